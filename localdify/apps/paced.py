"""A model that streams a fixed-length answer at a steady token rate: the load benchmark's upstream."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from localdify.apps.base import Backend, Step, Turn, event, usage
from localdify.apps.demo import DemoBackend

WORDS = ("light", "keeper", "harbour", "fog", "signal", "tide", "lantern", "night")


class PacedBackend(Backend):
    """Options: tokens (answer length in deltas, default 400), rate (deltas per second, default 80).

    Deltas follow a schedule fixed at the start of the answer, like a model streaming at its own
    pace: a reader that falls behind receives the backlog at once instead of slowing the model down.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.tokens = int(options.get("tokens", 400))
        self.rate = float(options.get("rate", 80.0))
        if self.tokens < 1 or self.rate <= 0:
            raise ValueError("paced app: tokens must be >= 1 and rate > 0")
        # The same parameters object (and shape) as the demo bot without a form.
        self._parameters = DemoBackend({"parameters": "empty"}).parameters()

    def parameters(self) -> dict[str, Any]:
        return self._parameters

    def stream(self, turn: Turn) -> Iterator[Step]:
        started = time.monotonic()
        for i in range(self.tokens):
            wait = started + i / self.rate - time.monotonic()
            if wait > 0:
                yield ("pause", wait)
            yield ("chunk", event(turn, "message", answer=WORDS[i % len(WORDS)] + " "))
        metadata = {"usage": usage(40, self.tokens, time.monotonic() - started)}
        yield ("chunk", event(turn, "message_end", metadata=metadata, files=[]))
