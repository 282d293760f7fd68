"""Server-sent event frames in the wire format of Dify's Service API."""

from __future__ import annotations

import json
from typing import Any

# Sent before anything else so the daemon passes the headers on at once.
OPENING = b": stream open\n\n"

HEADERS = {
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
    "X-Content-Type-Options": "nosniff",
}
CONTENT_TYPE = "text/event-stream; charset=utf-8"

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_dumps_ascii = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode


def encode(event: dict[str, Any]) -> bytes:
    """One line of JSON as UTF-8; JSON escapes keep newlines out of it whatever the text holds."""
    text = _dumps(event)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8; ASCII escapes carry it and a browser rejoins split pairs.
        return _dumps_ascii(event).encode("ascii")


def frame(event: dict[str, Any]) -> bytes:
    """One `data:` frame."""
    return b"data: " + encode(event) + b"\n\n"
