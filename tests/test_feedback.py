"""Feedback, pure and in-process: vote validation, the rolling buffer, CSV escaping, the endpoint's answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from chat_skins import feedback, throttle
from chat_skins.errors import TalkError
from chat_skins.feedback import (
    MAX_ENTRIES,
    MAX_PAGES,
    PAGE_BYTES,
    PAGE_ENTRIES,
    csv_cell,
    handle_feedback,
    load_votes,
    parse_vote,
    store_vote,
    to_csv,
)
from localdify.storage import Storage

KEY = "k3y-for-tests"
SETTINGS = {"app": {"app_id": str(uuid.uuid4())}, "feedback": True, "feedback_key": KEY}


NOW = dt.datetime(2026, 11, 30, 7, 20, tzinfo=dt.UTC).timestamp()


@pytest.fixture
def storage():
    # The local host's storage (the daemon's rules), in memory: these tests write hundreds of times.
    s = Storage(":memory:", 32 * 1024 * 1024)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _fresh_guards():
    throttle.reset()
    yield
    throttle.reset()


def body(**over):
    b = {
        "conversation_id": str(uuid.uuid4()),
        "message_id": str(uuid.uuid4()),
        "vote": "down",
        "reason": "too vague",
        "question": "How do lighthouses work?",
        "answer": "A lamp and a lens.",
    }
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


def entry(n: int, **over) -> dict[str, str]:
    e = {
        "time": f"2026-11-30T07:{n // 60 % 60:02d}:{n % 60:02d}Z",
        "conversation_id": "c",
        "message_id": f"m{n}",
        "vote": "up",
        "reason": "",
        "question": f"q{n}",
        "answer": f"a{n}",
    }
    e.update(over)
    return e


# -- validation ------------------------------------------------------------------------------


def test_a_vote_keeps_what_the_contract_says():
    v = parse_vote(body(question="q" * 900, answer="a" * 4000, reason="  slow\u0000 "))
    assert v.vote == "down" and v.reason == "slow"
    assert len(v.question) == 500 and len(v.answer) == 500
    e = v.entry(NOW)
    assert list(e) == list(feedback.FIELDS)
    assert e["time"] == "2026-11-30T07:20:00Z"


@pytest.mark.parametrize(
    "bad",
    [
        body(vote="meh"),
        body(vote=None),
        body(message_id="not-a-uuid"),
        body(conversation_id=None),
        body(reason=5),
        body(reason="r" * 301),
        body(answer="a" * 4001),
        body(vote="up", reason="an up vote has no reason"),
        {**body(), "extra": 1},
    ],
)
def test_a_vote_off_the_contract_is_refused(bad):
    with pytest.raises(TalkError) as err:
        parse_vote(bad)
    assert err.value.code == "invalid_param" and err.value.status == 400


# -- the rolling buffer --------------------------------------------------------------------


def test_votes_roll_off_oldest_page_first(storage):
    total = MAX_ENTRIES + PAGE_ENTRIES + 7
    for n in range(total):
        store_vote(storage, "ep/feedback", entry(n))
    votes = load_votes(storage, "ep/feedback")
    # The newest page has 7; the oldest whole pages rolled off to keep MAX_PAGES.
    assert len(votes) == (MAX_PAGES - 1) * PAGE_ENTRIES + 7
    assert votes[-1]["message_id"] == f"m{total - 1}"
    assert votes[0]["message_id"] == f"m{total - len(votes)}"
    index = json.loads(storage.get("ep/feedback/index"))
    assert index["last"] - index["first"] + 1 == MAX_PAGES
    assert not storage.exist(f"ep/feedback/{index['first'] - 1}")
    # Only live votes are in the index.
    assert len(index["pages"]) == len(votes)


def test_a_changed_vote_replaces_the_old_one(storage):
    for n in range(3):
        store_vote(storage, "ep/feedback", entry(n))
    store_vote(storage, "ep/feedback", entry(1, vote="down", reason="wrong", time="2026-11-30T08:00:00Z"))
    votes = load_votes(storage, "ep/feedback")
    assert [v["message_id"] for v in votes] == ["m0", "m2", "m1"]
    assert votes[-1]["vote"] == "down" and votes[-1]["reason"] == "wrong"


def test_pages_stay_under_their_byte_limit(storage):
    long = "語" * 500  # 1,500 bytes each in UTF-8
    for n in range(PAGE_ENTRIES):
        store_vote(storage, "ep/feedback", entry(n, question=long, answer=long, reason="理" * 300))
    index = json.loads(storage.get("ep/feedback/index"))
    assert index["last"] >= 1  # more than one page for 50 such votes
    for n in range(index["first"], index["last"] + 1):
        assert len(storage.get(f"ep/feedback/{n}")) <= PAGE_BYTES
    assert len(load_votes(storage, "ep/feedback")) == PAGE_ENTRIES


def test_the_worst_case_fits_the_manifest(storage):
    """MAX_PAGES full pages per endpoint: the manifest's storage size holds a dozen such endpoints."""
    import yaml

    from tests.support.fixtures import REPO_ROOT

    size = yaml.safe_load((REPO_ROOT / "manifest.yaml").read_text())["resource"]["permission"]["storage"]["size"]
    worst_endpoint = MAX_PAGES * PAGE_BYTES + 64 * 1024  # pages plus the index
    assert size // worst_endpoint >= 12


def test_unreadable_storage_starts_again(storage):
    storage.set("ep/feedback/index", b"\xff not json")
    store_vote(storage, "ep/feedback", entry(1))
    assert [v["message_id"] for v in load_votes(storage, "ep/feedback")] == ["m1"]


# -- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_csv_cells_cannot_be_formulas(cell, shown):
    assert csv_cell(cell) == shown


def test_csv_export_round_trips(storage):
    store_vote(storage, "ep/feedback", entry(1, reason='=cmd|"/c calc"!A1', question="a, b\nc"))
    text = to_csv(load_votes(storage, "ep/feedback"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(feedback.FIELDS)
    assert rows[1][4] == '\'=cmd|"/c calc"!A1'
    assert rows[1][5] == "a, b\nc"


# -- the endpoint, in-process ---------------------------------------------------------------


def call(method="POST", payload=None, settings=SETTINGS, storage=None, headers=None, query=""):
    kw = {"method": method, "path": "/feedback", "query_string": query, "headers": headers or {}}
    if payload is not None:
        kw["data"] = json.dumps(payload)
        kw["content_type"] = "application/json"
    r = Request(EnvironBuilder(**kw).get_environ())
    return handle_feedback(r, settings, storage=storage, endpoint_id="ep1", clock=lambda: NOW)


def test_vote_then_export_in_process(storage):
    b = body()
    ok = call(payload=b, storage=storage)
    assert ok.status_code == 200, ok.get_data()
    assert json.loads(ok.get_data()) == {"ok": True, "vote": "down", "message_id": b["message_id"]}
    got = call("GET", storage=storage, headers={"Authorization": f"Bearer {KEY}"}, query="format=json")
    assert got.status_code == 200
    data = json.loads(got.get_data())
    assert data["count"] == 1 and data["votes"][0]["reason"] == "too vague"
    assert got.headers["Cache-Control"] == "no-store"
    as_csv = call("GET", storage=storage, headers={"Authorization": f"Bearer {KEY}"}, query="format=csv")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert "too vague" in as_csv.get_data(as_text=True)


@pytest.mark.parametrize(
    ("headers", "settings", "status", "code"),
    [
        ({}, SETTINGS, 401, "feedback_key_required"),
        ({"Authorization": "Bearer nope"}, SETTINGS, 401, "feedback_key_required"),
        ({"Authorization": f"Basic {KEY}"}, SETTINGS, 401, "feedback_key_required"),
        ({"Authorization": f"Bearer {KEY}"}, {**SETTINGS, "feedback_key": ""}, 404, "feedback_export_off"),
    ],
)
def test_export_refusals(storage, headers, settings, status, code):
    r = call("GET", storage=storage, headers=headers, settings=settings)
    assert r.status_code == status
    assert json.loads(r.get_data())["code"] == code
    if status == 401:
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_export_format_is_checked(storage):
    r = call("GET", storage=storage, headers={"Authorization": f"Bearer {KEY}"}, query="format=xml")
    assert r.status_code == 400 and json.loads(r.get_data())["code"] == "invalid_param"


def test_votes_are_refused_when_feedback_is_off(storage):
    r = call(payload=body(), storage=storage, settings={**SETTINGS, "feedback": False})
    assert r.status_code == 404 and json.loads(r.get_data())["code"] == "feedback_off"
    assert not storage.exist("ep1/feedback/index")


def test_a_foreign_site_cannot_vote(storage):
    r = call(payload=body(), storage=storage, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and json.loads(r.get_data())["code"] == "cross_site_request"


def test_a_full_storage_is_a_clean_503():
    tiny = Storage(":memory:", 1024)
    r = call(payload=body(answer="a" * 500, question="q" * 500), storage=tiny)
    assert r.status_code == 503 and json.loads(r.get_data())["code"] == "feedback_unavailable"
    tiny.close()


def test_wrong_export_keys_are_throttled(storage):
    for _ in range(throttle.BUDGET + 1):
        assert call("GET", storage=storage, headers={"Authorization": "Bearer guess"}).status_code == 401
    shut = call("GET", storage=storage, headers={"Authorization": f"Bearer {KEY}"})
    assert shut.status_code == 429 and int(shut.headers["Retry-After"]) >= 1
