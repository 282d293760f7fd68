"""Skin block templates: a skin's optional templates/skins/<name>.html fills blocks of base.html and the page renderer
uses it; the hooks the client reads are the same on every skin's page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import pages
from chat_skins.skins import SKINS

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = ROOT / "templates" / "skins"
NAMES = [s.name for s in SKINS]
SETTINGS = {"app": {"app_id": "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e", "inputs": {}}, "bot_name": "Harbor Assistant"}


class Hooks(HTMLParser):
    """Every id and data-cs-* attribute of a page, and the elements a skin's blocks added (aria-hidden)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hooks: list[str] = []
        self.decoration = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (key.startswith("data-cs-") and key != "data-cs-mirror"):
                self.hooks.append(f"{tag}[{key}={value}]")
            if key == "aria-hidden" and tag != "svg" and not any(k == "class" and "cs-" in (v or "") for k, v in attrs):
                self.decoration += 1


def render(name: str) -> str:
    request = Request(EnvironBuilder(path=f"/{name}", headers={"Accept-Language": "en"}).get_environ())
    response = pages.render_page(request, SETTINGS, lambda app_id: {"data": {}})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def template_blocks() -> set[str]:
    return set(re.findall(r"{%-? block (\w+)", (ROOT / "templates" / "base.html").read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", NAMES)
def test_every_skin_page_has_the_same_hooks(name):
    assert Hooks(render(name)).hooks == Hooks(render("minimal")).hooks


@pytest.mark.parametrize("path", sorted(BLOCKS.glob("*.html")), ids=lambda p: p.stem)
def test_a_block_template_fills_only_blocks_of_base_and_its_markup_is_rendered(path):
    text = path.read_text(encoding="utf-8")
    filled = set(re.findall(r"{%-? block (\w+)", text))
    assert filled and filled <= template_blocks() - {"html_attrs", "head", "body"}, filled
    page = Hooks(render(path.stem))
    assert page.decoration > 0, "a skin's structure is decoration, hidden from assistive technology"
    assert page.decoration > Hooks(render("minimal")).decoration


def test_a_skin_without_a_template_renders_base():
    assert not (BLOCKS / "minimal.html").exists()
    assert Hooks(render("minimal")).decoration == 0
