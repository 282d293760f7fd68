"""GET /static/<path:name>: files under static/ with content-hash URLs, ETags and gzip."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from werkzeug import Request, Response

from chat_skins import web

STATIC_ROOT = web.STATIC_ROOT
# The daemon moves every body inside one JSON line (hex, so twice the size); stay far from its limits.
MAX_ASSET_BYTES = 1_500_000
IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}
COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".map", ".webmanifest", ".txt", ".ico"}
# An SVG opened directly is a document on Dify's origin: never let it run anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# The diagram frame (an opaque origin) loads its script and chunks as modules, which are fetched with CORS;
# they are public code, so any origin may read them. Chunk names carry their content hash.
FRAME_DIR = "gen/frame/"
HASHED_CHUNK = re.compile(r"chunk-[A-Z0-9]{8}\.js")


@dataclass(frozen=True)
class Asset:
    """One file's bytes, precompressed variant and validators, for one (mtime, size) of the file."""

    stamp: tuple[int, int]
    digest: str
    body: bytes
    gzipped: bytes | None
    content_type: str


_cache: dict[str, Asset] = {}
_generation = 0
_lock = threading.Lock()


def resolve(name: str) -> Path | None:
    """The file under static/ that `name` names, or None for anything else (traversal, dotfiles, odd types)."""
    if not isinstance(name, str) or not name or len(name) > 300 or "\\" in name or "\x00" in name:
        return None
    parts = name.split("/")
    if any(not part or part.startswith(".") for part in parts):
        return None
    path = STATIC_ROOT.joinpath(*parts)
    if path.suffix.lower() not in CONTENT_TYPES:
        return None
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    # A symlink pointing outside static/ is outside static/.
    if not real.is_relative_to(STATIC_ROOT.resolve()) or not real.is_file():
        return None
    return path


def _load(name: str, path: Path) -> Asset | None:
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(name)
    if cached is not None and cached.stamp == stamp:
        return cached
    if st.st_size > MAX_ASSET_BYTES:
        return None
    try:
        body = path.read_bytes()
    except OSError:
        return None
    suffix = path.suffix.lower()
    gzipped = None
    if suffix in COMPRESSIBLE and len(body) > 256:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    asset = Asset(stamp, hashlib.sha256(body).hexdigest()[:HASH_LENGTH], body, gzipped, CONTENT_TYPES[suffix])
    global _generation
    with _lock:
        _cache[name] = asset
        _generation += 1
    return asset


def asset(name: str) -> Asset | None:
    """The cached asset for a static/ path, reloaded only when the file changes."""
    path = resolve(name)
    return _load(name, path) if path is not None else None


def asset_url(name: str) -> str:
    """A relative, content-versioned URL for a file under static/ (`static/<name>?v=<hash12>`).

    Pages call this on every render, so it reads the cache without touching the disk; serving the
    asset re-checks the file, so a rebuild shows up here as soon as the new file is requested.
    """
    found = _cache.get(name) or asset(name)
    url = "static/" + name
    return f"{url}?v={found.digest}" if found else url


LAZY_DIR = "gen/lazy"
_lazy_names: tuple[float, tuple[str, ...]] = (-1.0, ())


def lazy_chunks() -> dict[str, str]:
    """{name: versioned URL} of the client's lazy chunks (gen/lazy/<name>.js), for the page config.

    A chunk's stylesheet, gen/lazy/<name>.css, is listed as `<name>.css`: chat/lazy.js loads it too.
    """
    global _lazy_names
    folder = STATIC_ROOT / LAZY_DIR
    try:
        stamp = folder.stat().st_mtime
    except OSError:
        return {}
    if stamp != _lazy_names[0]:
        names = tuple(sorted(p.name for p in folder.iterdir() if p.suffix in (".js", ".css")))
        _lazy_names = (stamp, names)
    return {name.removesuffix(".js"): asset_url(f"{LAZY_DIR}/{name}") for name in _lazy_names[1]}


def generation() -> int:
    """Changes whenever any cached asset changes (keys caches of HTML that embeds asset URLs)."""
    return _generation


def serve_asset(request: Request, name: str) -> Response:
    """The response for GET /static/<name>."""
    found = asset(name)
    if found is None:
        return web.not_found("No such file.")
    headers = [("X-Content-Type-Options", "nosniff")]
    if os.path.splitext(name)[1].lower() == ".svg":
        headers.append(("Content-Security-Policy", SVG_CSP))
    versioned = request.args.get("v") == found.digest
    if name.startswith(FRAME_DIR):
        headers.append(("Access-Control-Allow-Origin", "*"))
        versioned = versioned or bool(HASHED_CHUNK.fullmatch(name[len(FRAME_DIR) :]))
    return web.answer(
        request,
        web.Body(found.body, found.gzipped, found.digest),
        found.content_type,
        headers,
        cache_control=IMMUTABLE if versioned else "no-cache",
    )
