"""The skin gallery at `/skins`: a live preview of every skin, with copyable URLs and snippets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug import Request, Response

from chat_skins import web
from chat_skins.assets import asset_url
from chat_skins.language import catalogue, direction, prefixed
from chat_skins.page_config import language_vary, request_language
from chat_skins.security import page_headers
from chat_skins.settings import Settings, settings_for
from chat_skins.skins import SKINS

HTML = "text/html; charset=utf-8"


def gallery_context(r: Request, settings: Settings) -> dict[str, Any]:
    """Everything the template needs, in the language decided like the chat page's."""
    lang = request_language(r, settings)
    words = prefixed(lang, "gallery.")
    every = catalogue(lang)
    # A language picked with `?lang=` holds for the previews too (the browser's own reaches them anyway).
    pinned = f"&lang={lang}" if "lang" in r.args else ""
    skins = []
    for s in SKINS:
        label = every[f"skin.{s.name}.label"]
        skins.append(
            {
                "name": s.name,
                "label": label,
                "description": every[f"skin.{s.name}.description"],
                "default": s.name == settings.skin,
                "open": words["open"].format(skin=label),
                "previews": [
                    {
                        "theme": theme,
                        "src": f"{s.name}?preview=1&theme={theme}{pinned}",
                        "title": words["preview"].format(skin=label, theme=words[theme]),
                        "label": words[theme],
                    }
                    for theme in ("light", "dark")
                ],
            }
        )
    bot = settings.bot_name or every["page.botName"]
    config = {"botName": bot, "copied": words["copied"], "copyFailed": words["copy_failed"]}
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": words,
        "skins": skins,
        "config": config,
        "framing": framing(settings),
        "asset": lambda name: asset_url(f"gen/{name}"),
    }


def framing(settings: Settings) -> dict[str, Any]:
    """What `allowed_origins` was understood as, for the operator: any, only Dify, or a list; and what was ignored."""
    origins = settings.allowed_origins
    mode = "any" if origins is None else "list" if origins else "self"
    return {"mode": mode, "origins": list(origins or ()), "dropped": list(settings.origins_dropped)}


def render_gallery(r: Request, raw_settings: Mapping | None) -> Response:
    """The gallery page; its previews are sibling pages in same-origin frames."""
    settings, _key = settings_for(raw_settings)
    html = web.jinja.get_template("gallery.html").render(**gallery_context(r, settings))
    vary = language_vary(r, settings)
    headers = page_headers(settings.allowed_origins, frame_src="'self'")
    return web.answer(r, web.Body.of(html.encode("utf-8")), HTML, headers, vary=vary)
