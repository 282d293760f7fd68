"""The daily message limit, pure and in-process: the UTC day, counting in storage, the refusal before any app call."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chat_skins import daily_limit
from chat_skins.daily_limit import Count, LimitReached, count_message, day_key, seconds_to_midnight
from chat_skins.settings import parse_settings
from chat_skins.talk import handle_talk
from localdify.storage import Storage
from tests.support.talk import SETTINGS, FakeApp, make_request

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC).timestamp()
LIMITED = {**SETTINGS, "daily_message_limit": "2"}


@pytest.fixture(autouse=True)
def _fresh_counters():
    daily_limit.reset()
    yield
    daily_limit.reset()


@pytest.fixture
def storage():
    s = Storage(":memory:", 1024 * 1024)
    yield s
    s.close()


def test_day_key_is_the_utc_day():
    assert day_key(NOON) == "2026-11-30"
    # 23:30 in UTC-05:00 is already the next UTC day.
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))).timestamp()
    assert day_key(late) == "2026-12-01"
    assert day_key(dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp()) == "2026-12-31"


def test_seconds_to_midnight():
    assert seconds_to_midnight(NOON) == 12 * 3600
    assert seconds_to_midnight(dt.datetime(2026, 11, 30, 23, 59, 59, 500_000, tzinfo=dt.UTC).timestamp()) == 1.0
    assert seconds_to_midnight(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp()) == 24 * 3600


@pytest.mark.parametrize(
    ("raw", "limit"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("500", 500),
        (" 7 ", 7),
        (3, 3),
        ("0", None),
        ("-1", None),
        ("1.5", None),
        ("lots", None),
        (True, None),
        ("99999999999", None),
    ],
)
def test_the_setting(raw, limit):
    assert parse_settings({"daily_message_limit": raw}).daily_message_limit == limit


def test_counts_then_refuses_until_the_next_day(storage):
    clock = [NOON]
    count = lambda: count_message("ep", 2, storage=storage, clock=lambda: clock[0])  # noqa: E731
    assert count() == 1 and count() == 2
    with pytest.raises(LimitReached) as full:
        count()
    assert full.value.header == str(12 * 3600)
    assert json.loads(storage.get("ep/daily-count")) == {"v": 1, "day": "2026-11-30", "count": 2}
    clock[0] = NOON + 12 * 3600  # midnight UTC
    assert count() == 1


def test_the_count_lives_in_storage(storage):
    """Another process (a restart) starts from what storage says."""
    assert count_message("ep", 3, storage=storage, clock=lambda: NOON) == 1
    daily_limit.reset()
    storage.set("ep/daily-count", Count("2026-11-30", 3).encode())
    with pytest.raises(LimitReached):
        count_message("ep", 3, storage=storage, clock=lambda: NOON)


def test_without_a_limit_storage_is_not_touched(storage):
    assert count_message("ep", None, storage=storage, clock=lambda: NOON) is None
    assert not storage.exist("ep/daily-count")


class Broken:
    def get(self, key):
        raise RuntimeError("daemon unreachable")

    def set(self, key, value):
        raise RuntimeError("daemon unreachable")


def test_a_failing_storage_still_limits_this_process():
    assert count_message("ep", 1, storage=Broken(), clock=lambda: NOON) == 1
    with pytest.raises(LimitReached):
        count_message("ep", 1, storage=Broken(), clock=lambda: NOON)


@pytest.mark.parametrize("bad", [b"", b"{}", b'{"v": 1, "day": "2026-11-30", "count": -3}', b"\xff"])
def test_unreadable_counts_are_zero(bad):
    assert Count.decode(bad) == Count()


def test_talk_refuses_over_the_limit_before_calling_the_app(storage):
    app = FakeApp("chat-basic")

    def talk(body):
        return handle_talk(
            make_request(body), LIMITED, invoke=app, storage=storage, endpoint_id="ep", clock=lambda: NOON
        )

    for _ in range(2):
        ok = talk({"query": "hello"})
        assert ok.status_code == 200
        b"".join(ok.response)
    calls = len(app.calls)
    assert calls == 2
    # A bad request is refused for what it is and not counted.
    assert talk({"query": ""}).status_code == 400
    assert json.loads(storage.get("ep/daily-count"))["count"] == 2
    refused = talk({"query": "one more"})
    assert refused.status_code == 429
    assert json.loads(refused.get_data()) == {
        "code": "limit_reached",
        "message": json.loads(refused.get_data())["message"],
        "status": 429,
    }
    assert refused.headers["Retry-After"] == str(12 * 3600)
    assert refused.mimetype == "application/json"
    assert len(app.calls) == calls
