"""Bundled type: each skin's @font-face rules (static/css/fonts/<skin>.css) and what the build made of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import assets
from chat_skins.skins import SKINS

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "static" / "css" / "fonts"
GEN = ROOT / "static" / "gen"
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
URL = re.compile(r'url\("([^"]+)"\)')
MAX_FILES, MAX_BYTES = 2, 40 * 1024
WITH_FONTS = [s.name for s in SKINS if (FONTS / f"{s.name}.css").exists()]


def faces(css: str) -> list[str]:
    return FACE.findall(css)


def test_at_least_ten_skins_ship_their_type():
    assert len(WITH_FONTS) >= 10, WITH_FONTS
    assert {p.stem for p in FONTS.glob("*.css")} <= {s.name for s in SKINS}, "a font file for an unregistered skin"


@pytest.mark.parametrize("name", WITH_FONTS)
def test_source_rules_swap_subset_and_name_a_package_file(name):
    css = (FONTS / f"{name}.css").read_text(encoding="utf-8")
    rules = faces(css)
    assert rules
    for rule in rules:
        assert "font-display: swap" in rule, rule
        assert "unicode-range: U+0000-00FF" in rule, "the latin subset only; other scripts use system faces"
        (url,) = URL.findall(rule)
        assert url.startswith("@fontsource") and url.endswith(".woff2"), url
        assert (ROOT / "node_modules" / url).is_file(), url
    assert "font-synthesis-style: none" in css, "never fake italics"


@pytest.mark.parametrize("name", WITH_FONTS)
def test_built_stylesheet_leads_with_versioned_relative_fonts_within_budget(name):
    built = (GEN / "skins" / f"{name}.css").read_text(encoding="utf-8")
    assert built.startswith("@font-face"), "the faces lead the skin's stylesheet"
    urls = sorted(set(URL.findall(" ".join(faces(built)))))
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
        Path(url).name
        for name in WITH_FONTS
        for url in URL.findall((FONTS / f"{name}.css").read_text(encoding="utf-8"))
    }
    assert shipped == named
