"""Waiting for a condition that another thread or process makes true (polling, with a deadline)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for[T](predicate: Callable[[], T], timeout: float = 30.0, interval: float = 0.05) -> T:
    """The predicate's first truthy value, or its last value once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
