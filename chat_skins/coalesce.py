"""Fewer, larger chunks: frames ready within a short window leave together.

Why: the daemon relays a response through a queue of 128 chunks and drops chunks when it is full,
so one chunk per model token loses text for a visitor whose connection stalls for a second or two.

How: a reader thread pulls the upstream frames (a lazy generator whose `next()` may block for
minutes) into a queue; the response generator waits on that queue with a timeout, so pending frames
leave when the window closes even if upstream has gone quiet. Under the SDK, `threading` and
`queue` are gevent's (the SDK monkey-patches the process), so the reader is a greenlet and the
timed wait yields to the hub instead of blocking a worker; in plain Python they are real threads.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 0.05
MAX_CHUNK_BYTES = 16 * 1024
_DONE = object()

# (frame bytes, urgent): an urgent frame leaves at once with whatever is pending before it.
Item = tuple[bytes, bool]


def close_quietly(stream: object, what: str) -> None:
    """Close a generator or stream if it can be closed; a failure there is only worth a debug line."""
    close = getattr(stream, "close", None)
    if close is not None:
        try:
            close()
        except Exception as exc:
            logger.debug("talk: closing %s failed: %s", what, exc)


def coalesce(
    frames: Iterator[Item],
    *,
    window: float = WINDOW_SECONDS,
    max_bytes: int = MAX_CHUNK_BYTES,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[bytes, None, None]:
    """The frames joined into chunks; boundaries and order of the frames themselves are unchanged."""
    inbox: queue.Queue = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            for item in frames:
                inbox.put(item)
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - the source is built not to raise; stay quiet if it does
            logger.error("talk: the frame source failed (%s)", type(exc).__name__)
        finally:
            close_quietly(frames, "the frame source")
            inbox.put(_DONE)

    threading.Thread(target=pump, name="talk-reader", daemon=True).start()
    pending: list[bytes] = []
    size = 0
    deadline = 0.0
    try:
        while True:
            try:
                item = inbox.get(timeout=max(0.0, deadline - clock()) if pending else None)
            except queue.Empty:
                # The window closed while upstream was quiet: send what is waiting.
                yield b"".join(pending)
                pending, size = [], 0
                continue
            if item is _DONE:
                break
            data, urgent = item
            if pending and size + len(data) > max_bytes:
                yield b"".join(pending)
                pending, size = [], 0
            if not pending:
                deadline = clock() + window
            pending.append(data)
            size += len(data)
            if urgent or size >= max_bytes or clock() >= deadline:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)
    finally:
        # The consumer went away (or we are done): the reader stops after its current frame.
        stop.set()
