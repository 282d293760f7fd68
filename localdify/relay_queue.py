"""The daemon's per-response queue between the plugin and the browser: bounded, and it drops."""

from __future__ import annotations

import collections
import queue
import threading
import time
from typing import Any

CAPACITY = 128


def is_body_chunk(msg: dict[str, Any]) -> bool:
    """A streamed body chunk (the messages the daemon's queue holds and may drop)."""
    data = msg.get("data") or {}
    return msg.get("type") == "stream" and isinstance(data, dict) and "result" in data and "status" not in data


class RelayQueue:
    """At most `capacity` body chunks wait for a slow client; one more is dropped without a trace,
    as the daemon does. Control messages (status, end, error) always get through."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self.chunks = 0  # body chunks the plugin sent
        self.dropped = 0  # of those, dropped because the queue was full
        self.peak = 0  # the most body chunks that were waiting at once
        self._items: collections.deque[dict[str, Any]] = collections.deque()
        self._waiting_chunks = 0
        self._cond = threading.Condition()

    def put(self, msg: dict[str, Any]) -> None:
        with self._cond:
            if is_body_chunk(msg):
                self.chunks += 1
                if self._waiting_chunks >= self.capacity:
                    self.dropped += 1
                    return
                self._waiting_chunks += 1
                self.peak = max(self.peak, self._waiting_chunks)
            self._items.append(msg)
            self._cond.notify()

    def get(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message; raises queue.Empty after `timeout` seconds without one."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._items:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Empty
                self._cond.wait(remaining)
            msg = self._items.popleft()
            if is_body_chunk(msg):
                self._waiting_chunks -= 1
            return msg
