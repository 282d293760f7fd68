"""Render a skin's chat page: pick the skin, build the client config, render once per variant, answer from memory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from werkzeug import Request, Response

from chat_skins import assets, web
from chat_skins.app_params import get_app_params
from chat_skins.assets import asset_url
from chat_skins.language import catalogue, direction
from chat_skins.page_config import (
    build_config,
    gated,
    language_vary,
    request_language,
    request_variant,
)
from chat_skins.security import page_headers
from chat_skins.settings import Settings, settings_for
from chat_skins.skins import Skin, get_skin, skin_for_path

HTML = "text/html; charset=utf-8"
RENDER_CACHE_SIZE = 64

logger = logging.getLogger(__name__)


def pick_skin(request: Request, settings: Settings) -> Skin:
    """`/<skin>` shows that skin; `/` shows the `skin` setting."""
    return get_skin(skin_for_path(request.path) or settings.skin)


def _params(settings: Settings, fetch_app: Callable | None) -> Mapping | None:
    # A locked page shows nothing from the app's parameters: no need to fetch them.
    if gated(settings) or not settings.app_id or fetch_app is None:
        return None
    params = get_app_params(settings.app_id, fetch_app)
    return params if isinstance(params, Mapping) else None


def page_context(config: dict[str, Any], skin: Skin) -> dict[str, Any]:
    """Everything the page template reads."""
    lang = config["lang"]
    words = catalogue(lang)
    return {
        "skin": skin,
        "config": config,
        "asset_url": asset_url,
        "lang": lang,
        "dir": config["dir"],
        "theme": config["theme"],
        "title": config["botName"] or words["page.title"],
        "bot_name": config["botName"] or words["page.botName"],
        "noscript": words["page.noscript"],
    }


@dataclass(frozen=True)
class Page:
    """One page variant, ready to send: body (and its gzip form) and headers."""

    params: Mapping | None  # held so that the key's id(params) stays this object's
    body: web.Body
    headers: tuple[tuple[str, str], ...]


# A page is a pure function of the settings, the app's parameters, the skin, the language, the theme,
# the request's variant (hook, embed, preview) and the asset versions: the few combinations that occur
# are kept whole, so a repeat visit costs a dictionary lookup and a Response.
_pages: web.BoundedCache[tuple, Page] = web.BoundedCache(RENDER_CACHE_SIZE)


def _render(settings: Settings, skin: Skin, params: Mapping | None, variant: dict[str, Any]) -> bytes:
    config = build_config(settings, skin, params, **variant)
    # A skin's own template (templates/skins/<name>.html) extends base.html and fills its blocks.
    template = web.jinja.select_template([f"skins/{skin.name}.html", "base.html"])
    return template.render(page_context(config, skin)).encode("utf-8")


# What a request asks for, from its raw strings: most requests repeat the same few, so the parsing
# (query string, hook id, Accept-Language) happens once per distinct combination.
_requests: web.BoundedCache[tuple, tuple[Skin, dict[str, Any], tuple[str, ...]]] = web.BoundedCache(256)


def _request_key(request: Request, settings_key: Any) -> tuple:
    environ = request.environ
    return (
        settings_key,
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_DIFY_HOOK_ID", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    )


def _decide(request: Request, settings: Settings) -> tuple[Skin, dict[str, Any], tuple[str, ...]]:
    return pick_skin(request, settings), request_variant(request, settings), language_vary(request, settings)


def _page(request: Request, settings: Settings, settings_key: Any, fetch_app: Callable | None) -> tuple[Page, tuple]:
    """The page for this request, and the `Vary` values of its answer."""
    skin, variant, vary = _requests.get_or_make(_request_key(request, settings_key), lambda: _decide(request, settings))
    params = _params(settings, fetch_app)
    key = (settings_key, skin.name, id(params), assets.generation(), *variant.values())
    hit = _pages.get(key)
    if hit is not None and hit.params is params:
        return hit, vary
    body = web.Body.of(_render(settings, skin, params, variant))
    # frame-src 'self': answers' diagrams are drawn in the plugin's sandboxed diagram frame.
    return _pages.put(key, Page(params, body, page_headers(settings.allowed_origins, "'self'"))), vary


# No template: this page must show even when the templates are what broke.
FALLBACK_HTML = (
    '<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><p>{text}</p></body></html>"
)


def _fallback(request: Request, settings: Settings) -> Response:
    lang = request_language(request, settings)
    words = catalogue(lang)
    html = FALLBACK_HTML.format(
        lang=lang, dir=direction(lang), title=escape(words["page.title"]), text=escape(words["page.unavailable"])
    )
    body = web.Body.of(html.encode("utf-8"))
    return web.answer(
        request, body, HTML, page_headers(settings.allowed_origins), status=500, vary=language_vary(request, settings)
    )


def render_page(
    request: Request, raw_settings: Settings | Mapping | None, fetch_app: Callable | None = None
) -> Response:
    """The chat page for this request; renders (in a "not configured" state if need be) whatever the settings."""
    settings, settings_key = settings_for(raw_settings)
    try:
        page, vary = _page(request, settings, settings_key, fetch_app)
    except Exception:
        # A broken template must not show a traceback on Dify's origin.
        logger.exception("rendering the chat page failed")
        return _fallback(request, settings)
    return web.answer(request, page.body, HTML, page.headers, vary=vary)
