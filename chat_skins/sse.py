"""Server-sent event frames in the wire format of Dify's Service API."""

from __future__ import annotations

import json
from typing import Any

OPENING = b": stream open\n\n"


def frame(event: dict[str, Any]) -> bytes:
    """One `data:` frame; JSON keeps it on one line whatever the text holds."""
    return b"data: " + json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"
