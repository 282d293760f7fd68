"""HTTP plumbing shared by every endpoint: repository paths, the Jinja environment, a bounded cache,
byte responses with gzip/ETag/304, and the JSON 404."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug import Request, Response
from werkzeug.http import parse_accept_header

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC_ROOT = ROOT / "static"
LOCALES = ROOT / "locales"

# Below this, gzip saves less than its own header costs on a round trip.
GZIP_MIN_BYTES = 1024

# Built once per process; templates are compiled on first use and never re-checked on disk.
jinja = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    auto_reload=False,
    cache_size=-1,
    trim_blocks=True,
    lstrip_blocks=True,
)


class BoundedCache[K: Hashable, V]:
    """A thread-safe map that forgets its least recently used entry beyond `size` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or `make()` stored (two racing callers may both make it; the last one stays)."""
        hit = self.get(key)
        return hit if hit is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Body:
    """Bytes to answer with: the plain body, its gzip form when worth it, and a validator."""

    data: bytes
    gzipped: bytes | None
    etag: str  # unquoted; the gzip form's is this plus `-gz`

    @classmethod
    def of(cls, data: bytes, *, level: int = 6, min_bytes: int = GZIP_MIN_BYTES) -> Body:
        packed = gzip.compress(data, compresslevel=level, mtime=0) if len(data) >= min_bytes else None
        if packed is not None and len(packed) >= len(data):
            packed = None
        return cls(data, packed, hashlib.sha256(data).hexdigest()[:16])


@lru_cache(maxsize=64)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an `Accept-Encoding` value takes gzip (browsers send one of a few values: parse each once)."""
    return parse_accept_header(accept_encoding)["gzip"] > 0


def answer(
    request: Request,
    body: Body,
    content_type: str,
    headers: Iterable[tuple[str, str]] = (),
    *,
    status: int = 200,
    cache_control: str = "no-cache",
    vary: tuple[str, ...] = (),
) -> Response:
    """`body` with gzip when the client takes it, its ETag, and a 304 when the client already has it."""
    use_gzip = body.gzipped is not None and accepts_gzip(request.headers.get("Accept-Encoding", ""))
    # Each encoding is its own representation, with its own validator.
    etag = body.etag + "-gz" if use_gzip else body.etag
    out = [*headers, ("Cache-Control", cache_control), ("ETag", f'"{etag}"')]
    varies = (*vary, "Accept-Encoding") if body.gzipped is not None else vary
    if varies:
        out.append(("Vary", ", ".join(varies)))
    if status == 200 and "If-None-Match" in request.headers and request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=out)
    if use_gzip:
        out.append(("Content-Encoding", "gzip"))
    return Response(body.gzipped if use_gzip else body.data, status, headers=out, content_type=content_type)


def not_found(message: str) -> Response:
    """A 404 in the JSON error shape every endpoint uses."""
    payload = json.dumps({"code": "not_found", "message": message, "status": 404})
    return Response(payload, 404, content_type="application/json", headers={"X-Content-Type-Options": "nosniff"})
