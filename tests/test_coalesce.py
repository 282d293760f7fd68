"""Coalescing /talk frames: fewer chunks, same frames, and nothing held back when upstream goes quiet."""

from __future__ import annotations

import threading
import time

from chat_skins.coalesce import MAX_CHUNK_BYTES, coalesce
from chat_skins.sse import frame
from chat_skins.talk import encoded_frames
from tests.support.sse import parse_sse


def _paced(count: int, per_second: float, urgent_first: bool = True):
    for i in range(count):
        yield frame({"event": "message", "answer": f"t{i} "}), urgent_first and i == 0
        time.sleep(1 / per_second)  # the pacing is the scenario: a model producing tokens at this rate


def test_80_tokens_per_second_give_at_most_about_20_chunks_per_second():
    started = time.monotonic()
    chunks = list(coalesce(_paced(160, 80)))
    seconds = time.monotonic() - started
    _, frames = parse_sse(chunks)
    assert [f["answer"] for f in frames] == [f"t{i} " for i in range(160)]
    assert len(chunks) <= 21 * seconds + 2, (len(chunks), seconds)
    assert len(chunks) >= 10  # still streamed, not collected into one body


def test_the_first_answer_frame_leaves_at_once():
    gate = threading.Event()

    def source():
        yield frame({"event": "message", "answer": "first"}), True
        gate.wait(10)
        yield frame({"event": "message", "answer": "second"}), False

    out = coalesce(source(), window=5.0)
    started = time.monotonic()
    first = next(out)
    assert time.monotonic() - started < 1.0
    assert b"first" in first and b"second" not in first
    gate.set()
    assert b"second" in b"".join(out)


def test_pending_frames_leave_when_upstream_stalls():
    release = threading.Event()

    def source():
        yield frame({"event": "message", "answer": "a"}), True
        yield frame({"event": "message", "answer": "b"}), False
        # Upstream goes quiet for a long time: "b" must not wait for the next delta.
        release.wait(30)
        yield frame({"event": "message_end"}), False

    out = coalesce(source(), window=0.05)
    assert b'"a"' in next(out)
    started = time.monotonic()
    second = next(out)
    assert b'"b"' in second and time.monotonic() - started < 5
    release.set()
    assert b"message_end" in b"".join(out)


def test_chunks_stay_near_the_size_cap_and_frames_stay_whole():
    big = [(frame({"event": "message", "answer": "x" * 3000 + str(i)}), False) for i in range(40)]
    chunks = list(coalesce(iter(big), window=60.0))
    assert len(chunks) > 1
    assert all(len(c) <= MAX_CHUNK_BYTES + 4000 for c in chunks)
    assert all(c.endswith(b"\n\n") and len(parse_sse([c])[1]) >= 1 for c in chunks)
    assert b"".join(chunks) == b"".join(d for d, _ in big)


def test_only_the_first_answer_frame_is_urgent():
    events = iter(
        [
            {"event": "workflow_started", "data": {}},
            {"event": "message", "answer": "a"},
            {"event": "message", "answer": "b"},
            {"event": "message_end"},
        ]
    )
    flags = [urgent for _, urgent in encoded_frames(e for e in events)]
    assert flags == [False, True, False, False]
