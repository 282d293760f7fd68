"""Readers of Server-Sent Events bodies: a strict one for the plugin's own framing, a lenient one for any body."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def parse_sse(chunks: Iterable[bytes]) -> tuple[list[str], list[dict[str, Any]]]:
    """Comments and data frames, checking the framing a browser's EventSource parser relies on."""
    text = b"".join(chunks).decode("utf-8")
    comments: list[str] = []
    frames: list[dict[str, Any]] = []
    assert text.endswith("\n\n"), "the stream must end with a complete frame"
    for block in text[:-2].split("\n\n"):
        lines = block.split("\n")
        assert len(lines) == 1, f"one line per frame: {block[:200]!r}"
        line = lines[0]
        if line.startswith(":"):
            comments.append(line[1:].strip())
        else:
            assert line.startswith("data: "), line[:100]
            frames.append(json.loads(line[len("data: ") :]))
    return comments, frames


def data_events(body: bytes) -> list[dict[str, Any]]:
    """The `data:` payloads of an SSE body, parsed (comments and other lines skipped); a named event's
    payload carries its name as `_sse_event`."""
    out = []
    for block in body.decode("utf-8").split("\n\n"):
        event = "message"
        for line in block.split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                item = json.loads(line[5:].strip())
                if event != "message":
                    item = {"_sse_event": event, **item}
                out.append(item)
    return out


def answer_text(frames: list[dict[str, Any]]) -> str:
    """The answer a client shows: deltas appended, message_replace replacing."""
    text = ""
    for f in frames:
        if f.get("event") in ("message", "agent_message"):
            text += f["answer"]
        elif f.get("event") == "message_replace":
            text = f["answer"]
    return text
