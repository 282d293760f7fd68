"""GET /embed.js: the host-page script, with this endpoint's defaults, compressed and revalidated by ETag."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from werkzeug import Request, Response

from chat_skins.settings import Settings, parse_settings

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "gen" / "embed.js"
# The built script holds this string literal exactly once; it becomes a JSON object of defaults.
PLACEHOLDER = b'"__CHATSKINS_DEFAULTS__"'
CONTENT_TYPE = "application/javascript; charset=utf-8"
# The URL carries no version (site owners paste it once), so caches must come back within the hour.
CACHE_CONTROL = "public, max-age=3600"


@dataclass(frozen=True)
class Script:
    """One rendering of the script: identity and plain bodies plus their validators."""

    body: bytes
    gzipped: bytes
    etag: str


_lock = threading.Lock()
_built: tuple[int, bytes] | None = None
_rendered: dict[tuple[int, bytes], Script] = {}


def _read_built() -> tuple[int, bytes] | None:
    """The built script and its mtime, reread only when the file changes."""
    global _built
    try:
        stamp = SCRIPT.stat().st_mtime_ns
        if _built is None or _built[0] != stamp:
            _built = (stamp, SCRIPT.read_bytes())
    except OSError:
        return None
    return _built


def script_defaults(settings: Settings) -> dict[str, str]:
    """What the bubble takes from the endpoint's settings unless the site owner overrides it."""
    defaults = {}
    if settings.accent_color:
        defaults["color"] = settings.accent_color
    if settings.bot_name:
        defaults["name"] = settings.bot_name
    return defaults


def render_script(settings: Settings) -> Script | None:
    """The script with these settings' defaults, or None when the client has not been built."""
    built = _read_built()
    if built is None:
        return None
    # ensure_ascii keeps the literal plain ASCII whatever the bot's name holds.
    literal = json.dumps(script_defaults(settings), ensure_ascii=True, sort_keys=True).encode()
    key = (built[0], literal)
    cached = _rendered.get(key)
    if cached is not None:
        return cached
    body = built[1].replace(PLACEHOLDER, literal, 1)
    digest = hashlib.sha256(body).hexdigest()[:16]
    script = Script(body, gzip.compress(body, compresslevel=9, mtime=0), f'"{digest}"')
    with _lock:
        if len(_rendered) > 64:
            _rendered.clear()
        _rendered[key] = script
    return script


def serve_embed_script(request: Request, raw_settings: Mapping | None) -> Response:
    """The script for a `<script src=".../embed.js">` tag on any site."""
    script = render_script(parse_settings(raw_settings))
    if script is None:
        body = json.dumps({"code": "not_found", "message": "embed.js is not built.", "status": 404})
        return Response(body, 404, content_type="application/json", headers={"X-Content-Type-Options": "nosniff"})
    gzipped = request.accept_encodings["gzip"] > 0
    # Each encoding is its own representation, with its own validator.
    etag = script.etag[:-1] + '-gz"' if gzipped else script.etag
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        # Public and credential-free: lets sites use crossorigin/integrity and COEP pages load it.
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.if_none_match.contains_weak(etag.strip('"')):
        return Response(status=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = script.gzipped if gzipped else script.body
    return Response(body, 200, content_type=CONTENT_TYPE, headers=headers)
