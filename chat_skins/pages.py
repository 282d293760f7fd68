"""Render a skin's chat page (first version)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug import Request, Response

from chat_skins.settings import parse_settings
from chat_skins.skins import get_skin, skin_for_path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def render_page(r: Request, raw_settings: Mapping, fetch_app: Callable | None = None) -> Response:
    settings = parse_settings(raw_settings)
    skin = get_skin(skin_for_path(r.path) or settings.skin)
    config = {"botName": settings.bot_name or "Assistant", "skin": skin.name}
    html = env.get_template("base.html").render(skin=skin, settings=settings, config=config)
    return Response(html, 200, content_type="text/html; charset=utf-8")
