"""Small HTTP helpers for tests that talk to a local host (stdlib only, loopback only)."""

from __future__ import annotations

import gzip
import http.client
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.support.sse import data_events


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    # (seconds since the request was sent, bytes) for every read that returned data
    chunks: list[tuple[float, bytes]] = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    def sse(self) -> list[dict]:
        """The `data:` payloads of an SSE body, parsed (see tests.support.sse.data_events)."""
        return data_events(self.body)

    def text(self) -> str:
        """The body as text, gunzipped when the server compressed it."""
        gzipped = self.headers.get("Content-Encoding") == "gzip"
        return (gzip.decompress(self.body) if gzipped else self.body).decode("utf-8")


def request(
    url: str, method: str = "GET", body: bytes | dict | None = None, headers: dict | None = None, timeout: float = 30
) -> Reply:
    """Send one request and read the answer read by read, timing each piece."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    hdrs = dict(headers or {})
    if isinstance(body, dict):
        hdrs.setdefault("Content-Type", "application/json")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    conn.request(method, target, body=data, headers=hdrs)
    resp = conn.getresponse()
    chunks = []
    while True:
        piece = resp.read1(65536)
        if not piece:
            break
        chunks.append((time.monotonic() - started, piece))
    conn.close()
    return Reply(resp.status, resp.headers, b"".join(c for _, c in chunks), chunks)
