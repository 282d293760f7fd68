"""The chat app's parameters (opening statement, suggestions, input form), cached in-process.

Single-flight with stale-while-refresh: per app id at most one `fetch_app` runs at a time. While it
runs, a caller with a usable older answer gets that at once; a caller with nothing usable waits for
the one fetch instead of starting its own. A failed fetch is never stored as an answer: the last good
one keeps being served for up to STALE_LIMIT_SECONDS past its freshness, and the next attempt waits
FAILURE_TTL_SECONDS so a Dify outage does not turn every request into a backwards call.

threading.Lock and threading.Event are correct in plain threads and under the SDK's gevent runtime,
which patches them into their cooperative versions. The fetch itself runs in the caller's request:
a backwards call belongs to the request's session, so it cannot move to a background worker.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

TTL_SECONDS = 60.0
# A failed fetch is retried sooner, but not on every request while Dify is down.
FAILURE_TTL_SECONDS = 5.0
# How long past its freshness a good answer may still be served while refreshes fail.
STALE_LIMIT_SECONDS = 600.0
# A caller with nothing to serve waits this long for the fetch in flight, then goes on without.
WAIT_SECONDS = 30.0
MAX_ENTRIES = 128

Clock = Callable[[], float]


@dataclass
class _Entry:
    params: dict[str, Any] | None = None  # the last good answer, never a failure
    fresh_until: float = float("-inf")
    usable_until: float = float("-inf")  # fresh_until + STALE_LIMIT_SECONDS
    retry_at: float = float("-inf")  # no new fetch before this (set by a failure)
    flight: threading.Event | None = None  # set when the fetch in flight ends
    fetches: int = field(default=0, compare=False)


class ParamsCache:
    """Per app id: the last good parameters, their freshness, and the fetch in flight if any."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, app_id: str, fetch_app: Callable[[str], Any], clock: Clock = time.monotonic) -> dict[str, Any] | None:
        """The parameters (shared: read, never change), or None when none are known and usable; never raises."""
        with self._lock:
            entry = self._entry(app_id)
            now = clock()
            if entry.params is not None and now < entry.fresh_until:
                return entry.params
            usable = entry.params is not None and now < entry.usable_until
            if entry.flight is None and now >= entry.retry_at:
                flight = entry.flight = threading.Event()
            elif usable:
                # Someone is refreshing, or the last attempt failed moments ago: the older answer will do.
                return entry.params
            elif entry.flight is not None:
                flight = None
                waiting = entry.flight
            else:
                return None  # failed moments ago and nothing good to show
        if flight is None:
            waiting.wait(WAIT_SECONDS)
            with self._lock:
                current = self._entries.get(app_id)
                if current is not None and current.params is not None and clock() < current.usable_until:
                    return current.params
            return None
        return self._refresh(app_id, entry, flight, fetch_app, clock)

    def _entry(self, app_id: str) -> _Entry:
        entry = self._entries.get(app_id)
        if entry is None:
            if len(self._entries) >= self.max_entries:
                self._evict()
            entry = self._entries[app_id] = _Entry()
        return entry

    def _evict(self) -> None:
        """Drop the oldest entry that has no fetch in flight (its waiters still hold it)."""
        for key, old in self._entries.items():
            if old.flight is None:
                del self._entries[key]
                return

    def _refresh(
        self, app_id: str, entry: _Entry, flight: threading.Event, fetch_app: Callable[[str], Any], clock: Clock
    ) -> dict[str, Any] | None:
        params = None
        try:
            params = _fetch(app_id, fetch_app)
        finally:
            # Also on GreenletExit or a timeout raised into the fetch: never leave the key stuck in flight.
            with self._lock:
                entry.fetches += 1
                now = clock()
                if params is not None:
                    entry.params = params
                    entry.fresh_until = now + TTL_SECONDS
                    entry.usable_until = entry.fresh_until + STALE_LIMIT_SECONDS
                    entry.retry_at = float("-inf")
                else:
                    entry.retry_at = now + FAILURE_TTL_SECONDS
                entry.flight = None
                result = entry.params if entry.params is not None and now < entry.usable_until else None
            flight.set()
        return result

    def fetch_count(self, app_id: str) -> int:
        """How many fetches of this app id have ended (tests)."""
        with self._lock:
            entry = self._entries.get(app_id)
            return entry.fetches if entry else 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _fetch(app_id: str, fetch_app: Callable[[str], Any]) -> dict[str, Any] | None:
    try:
        answer = fetch_app(app_id)
    except Exception as exc:
        logger.warning("app parameters: fetch failed (%s)", type(exc).__name__)
        logger.debug("app parameters: fetch failed: %s", exc)
        return None
    # The daemon hands over the bare parameters object; older SDKs wrapped it in {"data": ...}.
    if isinstance(answer, Mapping) and "data" in answer:
        answer = answer["data"]
    if not isinstance(answer, Mapping):
        logger.warning("app parameters: unexpected answer (%s)", type(answer).__name__)
        return None
    return copy.deepcopy(dict(answer))


_cache = ParamsCache()


def get_app_params(
    app_id: str, fetch_app: Callable[[str], Any] | None, *, clock: Clock = time.monotonic
) -> dict[str, Any] | None:
    """The app's parameters (the Service API's `GET /parameters` object), or None; never raises.

    The result is shared by every caller until the next refresh (page memoization keys on its identity):
    read it, never change it.
    """
    if not app_id or fetch_app is None:
        return None
    return _cache.get(app_id, fetch_app, clock)


def clear_cache() -> None:
    """Forget every cached answer (tests, or after a settings change)."""
    _cache.clear()
