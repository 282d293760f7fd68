"""GET /embed.js: the host-page script, with this endpoint's defaults, compressed and revalidated by ETag."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from werkzeug import Request, Response

from chat_skins import web
from chat_skins.language import prefixed, resolve_language
from chat_skins.settings import Settings, settings_for

SCRIPT = web.STATIC_ROOT / "gen" / "embed.js"
# The built script holds this string literal exactly once; it becomes a JSON object of defaults.
PLACEHOLDER = b'"__CHATSKINS_DEFAULTS__"'
CONTENT_TYPE = "application/javascript; charset=utf-8"
# The URL carries no version (site owners paste it once), so caches must come back within the hour.
CACHE_CONTROL = "public, max-age=3600"
HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    # Public and credential-free: lets sites use crossorigin/integrity and COEP pages load it.
    ("Access-Control-Allow-Origin", "*"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
)

_built: tuple[int, bytes] | None = None
_rendered: web.BoundedCache[tuple[int, bytes], web.Body] = web.BoundedCache(64)


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


def script_defaults(settings: Settings, lang: str = "en") -> dict[str, Any]:
    """What the bubble takes from the endpoint's settings unless the site owner overrides it, and its words."""
    defaults: dict[str, Any] = {}
    if settings.accent_color:
        defaults["color"] = settings.accent_color
    if settings.bot_name:
        defaults["name"] = settings.bot_name
    defaults["lang"] = lang
    defaults["strings"] = prefixed(lang, "embed.")
    return defaults


def render_script(settings: Settings, lang: str = "en") -> web.Body | None:
    """The script with these settings' defaults, or None when the client has not been built."""
    built = _read_built()
    if built is None:
        return None
    # ensure_ascii keeps the literal plain ASCII whatever the bot's name holds.
    literal = json.dumps(script_defaults(settings, lang), ensure_ascii=True, sort_keys=True).encode()
    return _rendered.get_or_make(
        (built[0], literal), lambda: web.Body.of(built[1].replace(PLACEHOLDER, literal, 1), level=9, min_bytes=0)
    )


def serve_embed_script(request: Request, raw_settings: Mapping | None) -> Response:
    """The script for a `<script src=".../embed.js">` tag on any site, in the language of the setting or browser."""
    settings, _key = settings_for(raw_settings)
    lang = resolve_language(settings.language, None, request.headers.get("Accept-Language"))
    script = render_script(settings, lang)
    if script is None:
        return web.not_found("embed.js is not built.")
    vary = ("Accept-Language",) if settings.language == "auto" else ()
    return web.answer(request, script, CONTENT_TYPE, HEADERS, cache_control=CACHE_CONTROL, vary=vary)
