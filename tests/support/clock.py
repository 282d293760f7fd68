"""A clock the test moves by hand, for code that takes a `now` callable."""

from __future__ import annotations


class Clock:
    """Returns `now` (seconds); tests advance it by assigning or adding to `now`."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
