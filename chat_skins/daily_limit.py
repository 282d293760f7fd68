"""`daily_message_limit`: messages per endpoint per UTC day, counted in plugin storage, refused past the limit.

One key per endpoint holds `{"day": "YYYY-MM-DD", "count": n}`; a new day starts from zero. Storage
has no atomic increment, so each check is a read, then a write of the new count: workers in other
processes racing each other can each admit a message the other already counted (a few over the
limit on a busy day, never many). Within one process a lock serialises the check and the process
keeps its own count too, so a failing or slow storage still leaves a limit (this process's).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from chat_skins.throttle import Storage

logger = logging.getLogger(__name__)

STORAGE_SUFFIX = "/daily-count"
MAX_COUNTERS = 1024


class LimitReached(Exception):
    """Today's messages are used up; `retry_after` seconds until the next UTC day."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f}s")
        self.retry_after = retry_after

    @property
    def header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


def day_key(now: float) -> str:
    """The UTC day of a Unix time, as `YYYY-MM-DD`."""
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d")


def seconds_to_midnight(now: float) -> float:
    """Seconds from `now` to the next 00:00 UTC (never zero)."""
    day = dt.datetime.fromtimestamp(now, dt.UTC).date()
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()
    return max(1.0, midnight - now)


@dataclass(frozen=True)
class Count:
    day: str = ""
    count: int = 0

    def on(self, day: str) -> int:
        return self.count if self.day == day else 0

    def encode(self) -> bytes:
        return json.dumps({"v": 1, "day": self.day, "count": self.count}).encode()

    @staticmethod
    def decode(data: object) -> Count:
        """A stored count; anything unreadable counts as nothing sent yet."""
        try:
            raw = json.loads(bytes(data).decode("utf-8"))  # type: ignore[arg-type]
            day, count = raw["day"], raw["count"]
        except (TypeError, ValueError, KeyError, UnicodeDecodeError):
            return Count()
        if raw.get("v") != 1 or not isinstance(day, str) or not isinstance(count, int) or count < 0:
            return Count()
        return Count(day, count)


class _Counter:
    """One endpoint's count as this process knows it; the lock makes each check-and-count one step here."""

    def __init__(self) -> None:
        self.local = Count()
        self.lock = threading.Lock()


_counters: OrderedDict[str, _Counter] = OrderedDict()
_counters_lock = threading.Lock()


def _counter(key: str) -> _Counter:
    with _counters_lock:
        counter = _counters.get(key)
        if counter is None:
            counter = _counters[key] = _Counter()
            while len(_counters) > MAX_COUNTERS:
                _counters.popitem(last=False)
        else:
            _counters.move_to_end(key)
        return counter


def reset() -> None:
    """Forget every in-process count (tests)."""
    with _counters_lock:
        _counters.clear()


def _load(storage: Storage, key: str) -> Count:
    try:
        return Count.decode(storage.get(key))
    except Exception as exc:
        if "load data failed" not in str(exc) and "not found" not in str(exc):
            logger.warning("daily limit: storage read failed (%s); using this process's count", type(exc).__name__)
        return Count()


def count_message(
    endpoint_key: str, limit: int | None, *, storage: Storage | None, clock: Callable[[], float]
) -> int | None:
    """Counts one message against today's limit and returns the new count; raises LimitReached when used up.

    Without a limit nothing is read or written (None).
    """
    if not limit:
        return None
    key = endpoint_key + STORAGE_SUFFIX
    counter = _counter(endpoint_key)
    with counter.lock:
        now = clock()
        day = day_key(now)
        stored = _load(storage, key) if storage is not None else Count()
        used = max(stored.on(day), counter.local.on(day))
        if used >= limit:
            raise LimitReached(seconds_to_midnight(now))
        counter.local = Count(day, used + 1)
        if storage is not None:
            try:
                storage.set(key, counter.local.encode())
            except Exception as exc:
                logger.warning("daily limit: storage write failed (%s); using this process's count", type(exc).__name__)
        return used + 1
