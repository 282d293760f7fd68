"""The gate through the local host and the real SDK runtime: guessing, restarts, locked pages, fail-closed settings."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from chat_skins import throttle
from localdify import Host
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import BROKEN_GATE_HOOK as BROKEN
from tests.support.hooks import GATE_CODE as CODE
from tests.support.hooks import GATE_CONFIG as CONFIG
from tests.support.hooks import LOCKED_HOOK as LOCKED
from tests.support.hooks import LOCKED_TOO_HOOK as OTHER
from tests.support.host_client import request
from tests.support.page_html import PageConfig
from tests.support.waiting import wait_for

GUESSERS = 50


@pytest.fixture
def gate_host(make_host):
    """A host of its own: these tests spend the budget of their endpoint."""
    h = make_host(CONFIG)
    before = len(h.plugin_errors)
    yield h
    assert h.plugin_errors[before:] == []


@pytest.fixture(scope="module")
def shared_gate_host():
    """One host for the tests that never send a wrong code."""
    with Host(CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture
def calm_host(shared_gate_host):
    before = len(shared_gate_host.plugin_errors)
    yield shared_gate_host
    assert shared_gate_host.plugin_errors[before:] == []


def unlock(host, body, hook=LOCKED, headers=None):
    return request(host.url(hook, "/unlock"), "POST", body, headers=headers)


def wrong_code_lines(host) -> int:
    return sum("unlock: wrong access code" in message for _, message in list(host.logs))


def test_parallel_guessing_is_throttled_through_the_sdk(gate_host):
    host = gate_host
    started = time.monotonic()
    with ThreadPoolExecutor(GUESSERS) as pool:
        replies = list(pool.map(lambda i: unlock(host, {"code": f"{i:04d}"}), range(GUESSERS)))
    elapsed = time.monotonic() - started
    statuses = [r.status for r in replies]
    evaluated = statuses.count(401)
    refused = [r for r in replies if r.status == 429]
    assert set(statuses) <= {401, 429}, statuses
    # Before the throttle every one of the 50 was compared (161 a second); now the budget, plus the one
    # comparison allowed over it, plus one more for each back-off window (2 s, then 4 s...) that ended
    # while the guesses were still arriving (only on a very slow machine).
    windows_ended = sum(1 for n in range(1, 8) if throttle.FIRST_BACKOFF * (2**n - 1) <= elapsed)
    assert 1 <= evaluated <= throttle.BUDGET + 1 + windows_ended, (statuses, elapsed)
    assert len(refused) == GUESSERS - evaluated
    for r in refused:
        assert r.json() == {"code": "too_many_attempts", "message": r.json()["message"], "status": 429}
        assert r.headers["Content-Type"] == "application/json"
        assert int(r.headers["Retry-After"]) >= 1
    wait_for(lambda: wrong_code_lines(host) >= evaluated, 10)
    assert wrong_code_lines(host) == evaluated
    print(f"\n{GUESSERS} parallel guesses: {evaluated} evaluated, {len(refused)} refused in {elapsed:.2f}s")
    # The state is in plugin storage, under the endpoint's id.
    stored = json.loads(host.storage.get(f"{host.endpoint_id(LOCKED)}/access-guard"))
    assert stored["level"] >= evaluated - 0.1
    # Another endpoint of the same plugin is not affected.
    assert unlock(host, {"code": CODE}, hook=OTHER).status == 200


def test_the_throttle_survives_a_plugin_restart(gate_host):
    host = gate_host
    for i in range(throttle.BUDGET):
        assert unlock(host, {"code": f"x{i}"}).status == 401
    old_pid = host.plugin_pid
    host.restart_plugin()
    assert host.plugin_pid != old_pid
    # The new process remembers the budget is spent: one more wrong code shuts the gate...
    assert unlock(host, {"code": "wrong again"}).status == 401
    shut = unlock(host, {"code": CODE})
    # ...so even the right code is not compared (a fresh budget would have let it through).
    assert shut.status == 429 and shut.json()["code"] == "too_many_attempts"
    assert int(shut.headers["Retry-After"]) >= 1
    deadline = time.monotonic() + int(shut.headers["Retry-After"]) + 5
    while (reply := unlock(host, {"code": CODE})).status == 429 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reply.status == 200


DEMO_PRIVATE = ["Chat Skins demo bot", "What can you show me?", "lighthouse keeper", "Your name", "Friendly"]


def test_locked_pages_hold_nothing_private(calm_host):
    host = calm_host
    for hook, secrets in ((LOCKED, ["Secret welcome W1", "Secret question Q1"]), (OTHER, DEMO_PRIVATE)):
        for path in ("/", "/kawaii", "/minimal?embed=1"):
            reply = request(host.url(hook, path), headers={"Accept-Encoding": "identity"})
            assert reply.status == 200
            html = reply.text()
            for secret in secrets:
                assert secret not in html, (hook, path, secret)
            config = PageConfig(html).config
            assert config["accessRequired"] is True
            assert config["welcome"] == "" and config["suggestions"] == [] and config["inputForm"] == []
            assert CODE not in html
        # The unlock answer brings them.
        reply = unlock(host, {"code": CODE}, hook=hook)
        assert reply.status == 200
        page = reply.json()["page"]
        text = json.dumps(page, ensure_ascii=False)
        for secret in secrets:
            assert secret in text
        # And so does a token held from an earlier visit, without the code.
        again = unlock(host, {}, hook=hook, headers={"Authorization": f"Bearer {reply.json()['token']}"})
        assert again.status == 200 and again.json()["page"] == page
    assert [f["variable"] for f in unlock(host, {"code": CODE}, hook=OTHER).json()["page"]["inputForm"]] == [
        "name",
        "tone",
    ]


def test_an_invisible_code_shuts_the_page_through_the_sdk(calm_host):
    host = calm_host
    before = len(host.app_calls)
    reply = request(host.url(BROKEN, "/"), headers={"Accept-Encoding": "identity"})
    assert reply.status == 200
    config = PageConfig(reply.text()).config
    assert config["accessMisconfigured"] is True and config["accessRequired"] is True
    assert config["welcome"] == "" and config["inputForm"] == []
    talk = request(host.url(BROKEN, "/talk"), "POST", {"query": "hi"})
    assert talk.status == 503 and talk.json()["code"] == "access_misconfigured"
    opened = unlock(host, {"code": "anything"}, hook=BROKEN)
    assert opened.status == 503 and opened.json()["code"] == "access_misconfigured"
    assert len(host.app_calls) == before
    assert any("access_code" in message and "no visible character" in message for _, message in list(host.logs))


@pytest.mark.parametrize(
    ("site", "status"),
    [(None, 200), ("same-origin", 200), ("none", 200), ("cross-site", 403), ("same-site", 403)],
)
def test_sec_fetch_site_through_the_sdk(calm_host, site, status):
    host = calm_host
    headers = {"Sec-Fetch-Site": site} if site else {}
    token = unlock(host, {"code": CODE}, hook=OTHER).json()["token"]
    before = len(host.app_calls)
    talk = request(
        host.url(OTHER, "/talk"), "POST", {"query": "hi"}, headers={**headers, "Authorization": f"Bearer {token}"}
    )
    opened = unlock(host, {"code": CODE}, hook=OTHER, headers=headers)
    assert (talk.status, opened.status) == (status, status)
    if status == 403:
        assert talk.json()["code"] == opened.json()["code"] == "cross_site_request"
        assert talk.headers["Content-Type"] == "application/json"
        assert len(host.app_calls) == before
