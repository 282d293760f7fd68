"""Wrong access codes per endpoint: a failure budget, then a growing back-off, kept in plugin storage.

Each endpoint has one counter of recent wrong codes (it leaks away over time). Up to `BUDGET` wrong
codes cost nothing; each one beyond it closes the gate for `FIRST_BACKOFF` seconds, doubling, at most
`MAX_BACKOFF`. While closed, no code is even compared (a right one neither), so guessing is bounded
whatever the parallelism. The state lives in plugin storage (shared by every worker and surviving
restarts; a read before each comparison, a write after each wrong code) behind an in-process guard
that refuses floods without a round trip and lets no more comparisons run at once than the budget has
left. Storage has no atomic update, so workers racing each other can lose a few failures: the guard in
each process still holds.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)

BUDGET = 10  # wrong codes before any back-off
FIRST_BACKOFF = 2.0  # seconds, after the first wrong code over budget; doubles with each further one
MAX_BACKOFF = 600.0  # the longest the gate stays shut after one wrong code
LEAK_SECONDS = 900.0  # one remembered wrong code is forgotten per this many seconds
# Remembering more than this adds nothing (the back-off is already at its maximum) but would keep an
# endpoint slow for days after an attack ends.
MAX_LEVEL = BUDGET + 12
# While an earlier comparison over budget is still running, others wait this long.
BUSY_RETRY = 1.0
STORAGE_SUFFIX = "/access-guard"
MAX_GUARDS = 1024


class Storage(Protocol):
    def get(self, key: str) -> bytes: ...
    def set(self, key: str, value: bytes) -> None: ...


@dataclass(frozen=True)
class State:
    """Remembered wrong codes (`level`, as of `at`) and until when the gate is shut (Unix seconds)."""

    level: float = 0.0
    at: float = 0.0
    locked_until: float = 0.0

    def level_at(self, now: float) -> float:
        return max(0.0, self.level - max(0.0, now - self.at) / LEAK_SECONDS)

    def merged(self, other: State, now: float) -> State:
        return State(max(self.level_at(now), other.level_at(now)), now, max(self.locked_until, other.locked_until))

    def after_failure(self, now: float) -> State:
        level = min(MAX_LEVEL, self.level_at(now) + 1)
        locked = self.locked_until
        if level > BUDGET:
            locked = max(locked, now + backoff(level))
        return State(level, now, locked)

    def encode(self) -> bytes:
        return json.dumps({"v": 1, "level": self.level, "at": self.at, "locked_until": self.locked_until}).encode()

    @staticmethod
    def decode(data: Any) -> State:
        """A stored state; anything unreadable counts as nothing remembered."""
        try:
            raw = json.loads(bytes(data).decode("utf-8"))
            values = [float(raw[k]) for k in ("level", "at", "locked_until")]
        except (TypeError, ValueError, KeyError, UnicodeDecodeError):
            return State()
        if raw.get("v") != 1 or not all(math.isfinite(v) and v >= 0 for v in values):
            return State()
        return State(min(values[0], MAX_LEVEL), values[1], values[2])


def backoff(level: float) -> float:
    """Seconds the gate stays shut after a wrong code that brings the counter to `level`."""
    if level <= BUDGET:
        return 0.0
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (level - BUDGET - 1))


class Refused(Exception):
    """The gate is shut; retry after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.1f}s")
        self.retry_after = retry_after

    @property
    def header(self) -> str:
        """The `Retry-After` value: whole seconds, at least one."""
        return str(max(1, math.ceil(self.retry_after)))


class Guard:
    """One endpoint's in-process view of the state, and the comparisons running now."""

    def __init__(self) -> None:
        self.state = State()
        self.running = 0
        self.lock = threading.Lock()
        # Writes of one process go out one at a time, each with the newest state, so a slow write
        # never replaces a newer one.
        self.write_lock = threading.Lock()

    def _verdict(self, now: float, others: int) -> float | None:
        if self.state.locked_until > now:
            return self.state.locked_until - now
        left = BUDGET - self.state.level_at(now) - others
        # Over budget, one comparison at a time: its outcome decides the next back-off.
        if left < 1 and others > 0:
            return BUSY_RETRY
        return None

    def enter(self, now: float) -> None:
        with self.lock:
            wait = self._verdict(now, self.running)
            if wait is not None:
                raise Refused(wait)
            self.running += 1

    def sync(self, stored: State, now: float) -> None:
        """Merge what storage knows; raises Refused (and leaves) when that shuts the gate."""
        with self.lock:
            self.state = self.state.merged(stored, now)
            wait = self._verdict(now, self.running - 1)
            if wait is not None:
                self.running -= 1
                raise Refused(wait)

    def leave(self, now: float, *, failed: bool) -> State:
        with self.lock:
            self.running -= 1
            if failed:
                self.state = self.state.after_failure(now)
            return self.state


_guards: OrderedDict[str, Guard] = OrderedDict()
_guards_lock = threading.Lock()


def guard_for(key: str) -> Guard:
    with _guards_lock:
        guard = _guards.get(key)
        if guard is None:
            guard = _guards[key] = Guard()
            while len(_guards) > MAX_GUARDS:
                _guards.popitem(last=False)
        else:
            _guards.move_to_end(key)
        return guard


def reset() -> None:
    """Forget every in-process guard (tests)."""
    with _guards_lock:
        _guards.clear()


def _load(storage: Storage, key: str) -> State:
    try:
        return State.decode(storage.get(key))
    except Exception as exc:
        # A missing key is the normal first time; anything else leaves only the in-process guard.
        if "load data failed" not in str(exc) and "not found" not in str(exc):
            logger.warning("access guard: storage read failed (%s); using this process's view", type(exc).__name__)
        return State()


def _save(storage: Storage, key: str, guard: Guard) -> None:
    try:
        with guard.write_lock:
            with guard.lock:
                data = guard.state.encode()
            storage.set(key, data)
    except Exception as exc:
        logger.warning("access guard: storage write failed (%s); using this process's view", type(exc).__name__)


def attempt(
    endpoint_key: str,
    compare: Callable[[], bool],
    *,
    storage: Storage | None,
    clock: Callable[[], float],
) -> bool:
    """Runs `compare` (does the code match?) unless the gate is shut; raises Refused when it is."""
    guard = guard_for(endpoint_key)
    guard.enter(clock())
    key = endpoint_key + STORAGE_SUFFIX
    if storage is not None:
        try:
            stored = _load(storage, key)
        except BaseException:
            guard.leave(clock(), failed=False)
            raise
        guard.sync(stored, clock())
    try:
        ok = compare()
    except BaseException:
        guard.leave(clock(), failed=False)
        raise
    state = guard.leave(clock(), failed=not ok)
    if not ok:
        logger.info("access guard: wrong code, %.1f remembered, shut for %.0fs", state.level, backoff(state.level))
        if storage is not None:
            _save(storage, key, guard)
    return ok
