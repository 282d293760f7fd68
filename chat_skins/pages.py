"""Render a skin's chat page: pick the skin, build the client config, render the template once."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from werkzeug import Request, Response

from chat_skins import assets
from chat_skins.app_params import get_app_params
from chat_skins.assets import asset_url
from chat_skins.page_config import build_config, gated
from chat_skins.security import page_headers
from chat_skins.settings import Settings, parse_settings
from chat_skins.skins import Skin, get_skin, skin_for_path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HTML = "text/html; charset=utf-8"
# Below this, gzip saves less than its own header costs on a round trip.
GZIP_MIN_BYTES = 1024

logger = logging.getLogger(__name__)

# Built once per process; templates are compiled on first use and never re-checked on disk.
env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    auto_reload=False,
    cache_size=-1,
    trim_blocks=True,
    lstrip_blocks=True,
)

FALLBACK_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chat</title></head>'
    "<body><p>This chat page is temporarily unavailable.</p></body></html>"
)


@cache
def template_for(skin_name: str) -> Template:
    """The skin's own template when it has one, else base.html."""
    own = f"skins/{skin_name}.html"
    return env.get_template(own if (TEMPLATES / own).is_file() else "base.html")


def pick_skin(request: Request, settings: Settings) -> Skin:
    """`/<skin>` shows that skin; `/` shows the `skin` setting."""
    return get_skin(skin_for_path(request.path) or settings.skin)


def _params(settings: Settings, fetch_app: Callable | None) -> Mapping | None:
    if not settings.app_id or fetch_app is None:
        return None
    params = get_app_params(settings.app_id, fetch_app)
    return params if isinstance(params, Mapping) else None


def page_context(request: Request, settings: Settings, fetch_app: Callable | None) -> dict[str, Any]:
    """Everything a page template reads."""
    skin = pick_skin(request, settings)
    # A locked page shows nothing from the app's parameters: no need to fetch them.
    params = None if gated(settings) else _params(settings, fetch_app)
    config = build_config(request, settings, skin, params)
    return {
        "skin": skin,
        "config": config,
        "asset_url": asset_url,
        "lang": config["language"] or "en",
        "theme": config["theme"],
        "title": config["botName"] or "Chat",
    }


class Rendered:
    """One rendered page, with its gzip form made on first need."""

    __slots__ = ("body", "_gzipped")

    def __init__(self, body: bytes):
        self.body = body
        self._gzipped: bytes | None = None

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


# The HTML is a pure function of the skin, the config and the asset versions; the same few
# combinations repeat on every visit, so renders are memoized (bounded, least recently used).
_rendered: OrderedDict[tuple, Rendered] = OrderedDict()
_rendered_lock = threading.Lock()
RENDER_CACHE_SIZE = 64


def render_html(context: dict[str, Any]) -> Rendered:
    """The page's HTML for a context from `page_context`, memoized."""
    key = (
        context["skin"].name,
        json.dumps(context["config"], sort_keys=True, separators=(",", ":")),
        assets.generation(),
    )
    with _rendered_lock:
        hit = _rendered.get(key)
        if hit is not None:
            _rendered.move_to_end(key)
            return hit
    rendered = Rendered(template_for(context["skin"].name).render(context).encode("utf-8"))
    with _rendered_lock:
        _rendered[key] = rendered
        while len(_rendered) > RENDER_CACHE_SIZE:
            _rendered.popitem(last=False)
    return rendered


def _respond(rendered: Rendered, status: int, request: Request, settings: Settings) -> Response:
    headers = list(page_headers(settings.allowed_origins))
    headers.append(("Vary", "Accept-Encoding"))
    body = rendered.body
    if len(body) >= GZIP_MIN_BYTES and request.accept_encodings["gzip"] > 0:
        # Dify's proxy does not compress; the HTML is the only uncached request of a warm load.
        body = rendered.gzipped()
        headers.append(("Content-Encoding", "gzip"))
    return Response(body, status, headers=headers, content_type=HTML)


def render_page(request: Request, settings: Settings | Mapping | None, fetch_app: Callable | None = None) -> Response:
    """The chat page for this request; renders (in a "not configured" state if need be) whatever the settings."""
    if not isinstance(settings, Settings):
        settings = parse_settings(settings)
    try:
        rendered = render_html(page_context(request, settings, fetch_app))
    except Exception:
        # A broken template must not show a traceback on Dify's origin.
        logger.exception("rendering the chat page failed")
        return _respond(Rendered(FALLBACK_HTML.encode()), 500, request, settings)
    return _respond(rendered, 200, request, settings)
