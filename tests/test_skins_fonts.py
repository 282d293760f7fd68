"""Bundled type: each skin's @font-face rules as the build wrote them (scripts/fonts.mjs) and the files they name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import assets
from chat_skins.skins import SKINS

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "static" / "gen"
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
URL = re.compile(r'url\("([^"]+)"\)')
MAX_FILES, MAX_BYTES = 2, 40 * 1024


def built(name: str) -> str:
    return (GEN / "skins" / f"{name}.css").read_text(encoding="utf-8")


WITH_FONTS = [s.name for s in SKINS if built(s.name).startswith("@font-face")]


def faces(css: str) -> list[str]:
    return FACE.findall(css)


def test_at_least_ten_skins_ship_their_type():
    assert len(WITH_FONTS) >= 10, WITH_FONTS


@pytest.mark.parametrize("name", WITH_FONTS)
def test_rules_swap_and_subset_without_fake_italics(name):
    css = built(name)
    rules = faces(css)
    assert rules
    for rule in rules:
        assert "font-display: swap" in rule, rule
        assert "unicode-range: U+0000-00FF" in rule, "the latin subset only; other scripts use system faces"
        assert len(URL.findall(rule)) == 1, rule
    assert "font-synthesis-style: none" in css, "never fake italics"


@pytest.mark.parametrize("name", WITH_FONTS)
def test_built_stylesheet_leads_with_versioned_relative_fonts_within_budget(name):
    css = built(name)
    assert css.startswith("@font-face"), "the faces lead the skin's stylesheet"
    urls = sorted(set(URL.findall(" ".join(faces(css)))))
    assert 1 <= len(urls) <= MAX_FILES, urls
    total = 0
    for url in urls:
        path, _, version = url.partition("?v=")
        assert path.startswith("../fonts/") and path.endswith(".woff2"), url
        rel = f"gen/fonts/{path.removeprefix('../fonts/')}"
        found = assets.asset(rel)
        assert found is not None, rel
        assert found.body[:4] == b"wOF2"
        # The version is the static route's own digest, so the font is cached as immutable.
        assert version == found.digest, url
        total += len(found.body)
    assert total <= MAX_BYTES, f"{name}: {total} bytes of fonts"


def test_font_is_served_as_immutable_woff2():
    name = next(p.name for p in (GEN / "fonts").iterdir())
    found = assets.asset(f"gen/fonts/{name}")
    request = Request(EnvironBuilder(path=f"/static/gen/fonts/{name}", query_string={"v": found.digest}).get_environ())
    response = assets.serve_asset(request, f"gen/fonts/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "font/woff2"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.get_data() == found.body


def test_nothing_else_lands_in_gen_fonts():
    shipped = {p.name for p in (GEN / "fonts").iterdir()}
    named = {
        Path(url.partition("?v=")[0]).name for name in WITH_FONTS for url in URL.findall(" ".join(faces(built(name))))
    }
    assert shipped == named
