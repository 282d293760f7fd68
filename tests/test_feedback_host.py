"""Feedback and the daily limit through the local host and the real SDK runtime."""

from __future__ import annotations

import json
import uuid

import pytest

from chat_skins.feedback import FIELDS
from localdify import Host
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import (
    FEEDBACK_CONFIG,
    FEEDBACK_HOOK,
    FEEDBACK_KEY,
    FEEDBACK_LOCKED_HOOK,
    FEEDBACK_NOKEY_HOOK,
    GATE_CODE,
    LIMIT,
    LIMIT_HOOK,
)
from tests.support.host_client import request

AUTH = {"Authorization": f"Bearer {FEEDBACK_KEY}"}


@pytest.fixture(scope="module")
def fb_host():
    with Host(FEEDBACK_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture
def host(fb_host):
    before = len(fb_host.plugin_errors)
    yield fb_host
    assert fb_host.plugin_errors[before:] == []


def talk(host, hook, query="hello", **extra):
    return request(host.url(hook, "/talk"), "POST", {"query": query, **extra})


def answered(host, hook, query):
    reply = talk(host, hook, query)
    assert reply.status == 200, reply.body
    end = [e for e in reply.sse() if e.get("event") == "message_end"]
    assert end, reply.body
    return end[-1]["conversation_id"], end[-1]["message_id"]


def vote(host, hook=FEEDBACK_HOOK, headers=None, **body):
    return request(host.url(hook, "/feedback"), "POST", body, headers=headers)


def export(host, hook=FEEDBACK_HOOK, fmt="json", headers=AUTH):
    return request(host.url(hook, f"/feedback?format={fmt}"), headers=headers)


def test_votes_are_stored_replaced_and_exported(host):
    conversation, message = answered(host, FEEDBACK_HOOK, "What can you show me?")
    up = vote(
        host,
        conversation_id=conversation,
        message_id=message,
        vote="up",
        question="What can you show me?",
        answer="A demo " * 200,
    )
    assert up.status == 200, up.body
    assert up.json() == {"ok": True, "vote": "up", "message_id": message}
    down = vote(
        host,
        conversation_id=conversation,
        message_id=message,
        vote="down",
        reason="=too long",
        question="What can you show me?",
        answer="A demo " * 200,
    )
    assert down.status == 200, down.body

    # Stored under the endpoint's id, in plugin storage.
    index = json.loads(host.storage.get(f"{host.endpoint_id(FEEDBACK_HOOK)}/feedback/index"))
    assert message in index["pages"]

    got = export(host)
    assert got.status == 200, got.body
    assert got.headers["Content-Type"].startswith("application/json")
    votes = [v for v in got.json()["votes"] if v["message_id"] == message]
    assert len(votes) == 1  # the changed vote replaced the first one
    v = votes[0]
    assert set(v) == set(FIELDS)
    assert (v["vote"], v["reason"], v["conversation_id"]) == ("down", "=too long", conversation)
    assert len(v["answer"]) == 500 and v["question"] == "What can you show me?"

    as_csv = export(host, fmt="csv")
    assert as_csv.status == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    assert "'=too long" in as_csv.text()


@pytest.mark.parametrize(
    ("hook", "headers", "status", "code"),
    [
        (FEEDBACK_HOOK, {}, 401, "feedback_key_required"),
        (FEEDBACK_HOOK, {"Authorization": "Bearer wrong-key"}, 401, "feedback_key_required"),
        (FEEDBACK_HOOK, {"Authorization": FEEDBACK_KEY}, 401, "feedback_key_required"),
        (FEEDBACK_NOKEY_HOOK, AUTH, 404, "feedback_export_off"),
    ],
)
def test_the_export_needs_the_key(host, hook, headers, status, code):
    reply = export(host, hook, headers=headers)
    assert reply.status == status
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json()["code"] == code


def test_votes_follow_the_rules_of_talk(host):
    ids = {"conversation_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4()), "vote": "up"}
    assert vote(host, LIMIT_HOOK, **ids).json()["code"] == "feedback_off"
    foreign = vote(host, headers={"Sec-Fetch-Site": "cross-site"}, **ids)
    assert foreign.status == 403 and foreign.json()["code"] == "cross_site_request"
    locked = vote(host, FEEDBACK_LOCKED_HOOK, **ids)
    assert locked.status == 401 and locked.json()["code"] == "unauthorized"
    token = request(host.url(FEEDBACK_LOCKED_HOOK, "/unlock"), "POST", {"code": GATE_CODE}).json()["token"]
    assert vote(host, FEEDBACK_LOCKED_HOOK, headers={"Authorization": f"Bearer {token}"}, **ids).status == 200
    bad = request(host.url(FEEDBACK_HOOK, "/feedback"), "POST", b"{not json", {"Content-Type": "application/json"})
    assert bad.status == 400 and bad.json()["code"] == "invalid_json"
    assert vote(host, **{**ids, "vote": "sideways"}).json()["code"] == "invalid_param"


def test_the_daily_limit_refuses_before_the_app_and_survives_a_restart(make_host):
    host = make_host(FEEDBACK_CONFIG)
    for i in range(LIMIT):
        answered(host, LIMIT_HOOK, f"message {i}")
    calls = len(host.app_calls)
    refused = talk(host, LIMIT_HOOK, "one too many")
    assert refused.status == 429
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.json()["code"] == "limit_reached"
    assert 1 <= int(refused.headers["Retry-After"]) <= 86400
    # The app was not called for the refused message.
    assert len(host.app_calls) == calls
    # The count is in plugin storage, so a new plugin process knows today's messages are used up.
    stored = json.loads(host.storage.get(f"{host.endpoint_id(LIMIT_HOOK)}/daily-count"))
    assert stored["count"] == LIMIT
    old = host.plugin_pid
    host.restart_plugin()
    assert host.plugin_pid != old
    again = talk(host, LIMIT_HOOK, "after the restart")
    assert again.status == 429 and again.json()["code"] == "limit_reached"
    assert len(host.app_calls) == calls
    # Other endpoints of the plugin have no limit.
    answered(host, FEEDBACK_HOOK, "still fine")
    assert host.plugin_errors == []
