"""The skin gallery at `/skins`: a live preview of every skin, a "try your own" form and copyable snippets."""

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
from chat_skins.skins import SKINS, Skin

HTML = "text/html; charset=utf-8"
THEMES = ("light", "dark")


def skin_card(skin: Skin, every: Mapping[str, str], words: Mapping[str, str], settings: Settings, pinned: str) -> dict:
    """One card: the skin's name and description in the page language, and its two preview frames."""
    # A skin added to the registry before its catalogue entries still shows, in its English words.
    label = every.get(f"skin.{skin.name}.label", skin.label)
    return {
        "name": skin.name,
        "label": label,
        "description": every.get(f"skin.{skin.name}.description", skin.description),
        "default": skin.name == settings.skin,
        "previews": [
            {
                "theme": theme,
                "src": f"{skin.name}?preview=1&theme={theme}{pinned}",
                "title": words["preview"].format(skin=label, theme=words[theme]),
                "label": words[theme],
            }
            for theme in THEMES
        ],
    }


def gallery_context(r: Request, settings: Settings) -> dict[str, Any]:
    """Everything the template needs, in the language decided like the chat page's."""
    lang = request_language(r, settings)
    words = prefixed(lang, "gallery.")
    every = catalogue(lang)
    # A language picked with `?lang=` holds for the previews too (the browser's own reaches them anyway).
    pinned = f"&lang={lang}" if "lang" in r.args else ""
    skins = [skin_card(s, every, words, settings, pinned) for s in SKINS]
    # The form starts from the endpoint's own values: the previews already show them.
    start = {"botName": settings.bot_name, "accent": settings.accent_color, "avatarUrl": settings.avatar_url}
    config = {
        "botName": settings.bot_name or every["page.botName"],
        "skin": settings.skin,
        "start": start,
        "strings": {
            **{key: words[key] for key in ("copied", "copy_selected", "try_accent_none", "try_avatar_bad")},
            # The chat page's own "Copied", for the button that just copied.
            "copied_short": every["copied"],
        },
    }
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": words,
        "skins": skins,
        "start": start,
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
