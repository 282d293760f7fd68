"""The gallery page (pure, no host): how `allowed_origins` was understood, one card per registered skin,
inert previews, and the "try your own" form with its shared cleaning rules."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import gallery as gallery_module
from chat_skins.color import accent_palette
from chat_skins.gallery import render_gallery
from chat_skins.language import LANGUAGES, prefixed
from chat_skins.settings import parse_settings
from chat_skins.skins import SKINS, Skin


def gallery(settings: dict, lang: str = "en") -> tuple[str, str]:
    request = Request(EnvironBuilder(path="/skins", query_string={"lang": lang}).get_environ())
    response = render_gallery(request, settings)
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers["Content-Security-Policy"]


def section(html: str) -> str:
    start = html.index('<section class="g-framing"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("raw", "mode", "shown", "dropped"),
    [
        ("", "any", [], []),
        ("*", "any", [], []),
        ("none", "self", [], []),
        ("example.com https://a.example/path", "self", [], ["example.com", "https://a.example/path"]),
        ("https://a.example;", "self", [], ["https://a.example;"]),
        ("https://A.example, http://localhost:3000 shop.example", "list", ["https://a.example", "http://localhost:3000"],
         ["shop.example"]),
    ],
)  # fmt: skip
def test_the_gallery_shows_what_allowed_origins_means(raw, mode, shown, dropped):
    html, csp = gallery({"allowed_origins": raw})
    part = section(html)
    assert f'data-framing="{mode}"' in part
    words = prefixed("en", "gallery.")
    assert words[f"framing_{mode}"] in part
    for origin in shown:
        assert f"<code>{origin}</code>" in part
        assert origin in csp
    assert (words["framing_dropped"] in part) == bool(dropped)
    for entry in dropped:
        assert f"<code>{entry}</code>" in part
        assert entry not in csp
    if mode == "self":
        assert "frame-ancestors 'self';" in csp


def test_dropped_entries_are_shown_as_text():
    html, _ = gallery({"allowed_origins": '<img/src=x onerror=alert(1)> "><b>x</b>'})
    part = section(html)
    assert "<img" not in part and "<b>" not in part
    assert "&lt;img/src=x" in part and "&lt;b&gt;x&lt;/b&gt;" in part


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_the_framing_words(lang):
    words, english = prefixed(lang, "gallery."), prefixed("en", "gallery.")
    assert set(words) == set(english)
    html, _ = gallery({"allowed_origins": "https://a.example nope"}, lang)
    part = section(html)
    assert words["framing_list"] in part and words["framing_dropped"] in part
    if lang != "en":
        assert words["framing_title"] != english["framing_title"]


@pytest.mark.parametrize(("accept", "lang"), [("zh-TW,zh;q=0.9,en;q=0.5", "zh-Hant"), ("pt-PT,pt;q=0.9", "pt-PT")])
def test_the_gallery_and_the_page_agree_on_the_browser_language(accept, lang):
    from chat_skins.language import catalogue
    from chat_skins.pages import render_page

    headers = {"Accept-Language": accept}
    response = render_gallery(Request(EnvironBuilder(path="/skins", headers=headers).get_environ()), {})
    assert response.status_code == 200
    assert response.headers["Vary"] == "Accept-Language, Accept-Encoding"
    html = response.get_data(as_text=True)
    words = catalogue(lang)
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert words["gallery.title"] in html and words["skin.letter.description"] in html
    assert "&amp;lang=" not in html  # the previews get the same Accept-Language

    page = render_page(Request(EnvironBuilder(path="/", headers=headers).get_environ()), {})
    assert page.status_code == 200
    assert "Accept-Language" in page.headers["Vary"]
    body = page.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="ltr"' in body
    assert words["page.noscript"] in body


def test_right_to_left_and_a_chosen_language_does_not_vary():
    request = Request(EnvironBuilder(path="/skins", headers={"Accept-Language": "de"}).get_environ())
    response = render_gallery(request, {"language": "ar"})
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_a_language_picked_by_query_holds_for_the_previews():
    html, _ = gallery({}, "ja")
    assert '<html lang="ja" dir="ltr">' in html and "minimal?preview=1&amp;theme=dark&amp;lang=ja" in html


# --- The cards, the previews and the "try your own" form (issue 12 item 5) ---

TRY_CASES = json.loads((Path(__file__).parent / "data" / "gallery-try-values.json").read_text(encoding="utf-8"))


def cards(html: str) -> dict[str, str]:
    """Each card's HTML by skin name."""
    return dict(re.findall(r'<li class="g-card" data-skin="([a-z0-9-]+)">(.*?)\n    </li>', html, flags=re.S))


def test_one_card_per_registered_skin_each_one_link_with_inert_previews():
    html, csp = gallery({})
    found = cards(html)
    assert list(found) == [s.name for s in SKINS]
    words = prefixed("en", "gallery.")
    for name, card in found.items():
        # The only thing to focus in a card: a link to the skin's page, described by its description.
        links = re.findall(r"<a [^>]*>", card)
        assert links == [f'<a class="g-link" href="{name}" aria-describedby="g-desc-{name}">']
        assert f'<p class="g-desc" id="g-desc-{name}">' in card
        assert "<button" not in card and "<input" not in card
        # The previews are live pages that nobody can tab into or hear.
        assert '<div class="g-previews" inert aria-hidden="true">' in card
        frames = re.findall(r"<iframe [^>]*>", card)
        assert [re.search(r' data-src="([^"]+)"', f).group(1) for f in frames] == [
            f"{name}?preview=1&amp;theme=light&amp;lang=en",
            f"{name}?preview=1&amp;theme=dark&amp;lang=en",
        ]
        assert all('tabindex="-1"' in f and 'loading="lazy"' in f for f in frames)
        assert words["light"] in card and words["dark"] in card
    # The CSP of the gallery is the one it always had: frames of its own origin, no inline anything.
    assert "frame-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_the_gallery_follows_the_registry(monkeypatch):
    extra = Skin("zine", "Zine", "Photocopied, stapled, loud.", ("#ffffff", "#000000"))
    monkeypatch.setattr(gallery_module, "SKINS", (*SKINS, extra))
    html, _ = gallery({"skin": "kawaii"})
    found = cards(html)
    assert list(found) == [*(s.name for s in SKINS), "zine"]
    # A skin without catalogue entries yet still shows, in the registry's English words.
    assert ">Zine</a>" in found["zine"] and "Photocopied, stapled, loud." in found["zine"]
    options = re.findall(r'<option value="([a-z0-9-]+)"( selected)?>', html)
    assert [o[0] for o in options] == [*(s.name for s in SKINS), "zine"]
    assert [o[0] for o in options if o[1]] == ["kawaii"]
    assert 'class="g-badge"' in found["kawaii"] and 'class="g-badge"' not in found["minimal"]


def field_value(html: str, name: str) -> str:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
    return unescape(re.search(r' value="([^"]*)"', tag).group(1))


def test_the_form_starts_from_the_endpoint_settings_as_text():
    hostile = '<img src=x onerror=alert(1)> "quoted"'
    settings = {"bot_name": hostile, "accent_color": "#0F766E", "avatar_url": "https://cdn.example.com/a.png"}
    html, _ = gallery(settings)
    assert "<img src=x" not in html
    assert field_value(html, "bot_name") == hostile
    assert field_value(html, "accent_color") == "#0f766e"
    assert field_value(html, "avatar_url") == "https://cdn.example.com/a.png"
    assert "data-start-set" in html
    config = json.loads(unescape(re.search(r'<main id="g-main" data-config="([^"]*)"', html).group(1)))
    assert config["start"] == {"botName": hostile, "accent": "#0f766e", "avatarUrl": "https://cdn.example.com/a.png"}
    assert config["botName"] == hostile

    # Unset values start empty; the colour swatch says it is the skin's own.
    html, _ = gallery({"avatar_url": "http://not-https.example/a.png"})
    words = prefixed("en", "gallery.")
    assert field_value(html, "bot_name") == "" and field_value(html, "avatar_url") == ""
    assert "data-start-set" not in html and words["try_accent_none"] in html


def test_every_output_has_its_copy_button_and_every_string_is_localized():
    html, _ = gallery({}, "de")
    words = prefixed("de", "gallery.")
    for kind, key in (
        ("settings", "copy_settings"),
        ("url", "copy_url"),
        ("iframe", "copy_iframe"),
        ("script", "copy_script"),
    ):
        assert f'<pre class="g-code" id="g-out-{kind}" dir="ltr" data-out="{kind}"></pre>' in html
        assert f'data-copy="{kind}" aria-describedby="g-out-{kind}">{words[key]}</button>' in html
    for key in (
        "try_title",
        "try_intro",
        "try_name",
        "try_accent",
        "try_avatar",
        "try_skin",
        "try_reset",
        "settings_hint",
    ):
        assert words[key] in html, key
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
    assert config["strings"]["copy_selected"] == words["copy_selected"]
    assert config["strings"]["copied_short"] == "Kopiert"


@pytest.mark.parametrize("field", ["bot_name", "accent_color", "avatar_url"])
def test_the_shared_try_cases_match_the_settings(field):
    # tests/js/gallery.test.mjs holds the client to the same table.
    for raw, want in TRY_CASES[field]:
        assert getattr(parse_settings({field: raw}), field) == want, raw


def test_the_shared_palettes_match_color_py():
    for hex_color, want in TRY_CASES["palette"].items():
        assert accent_palette(hex_color) == want, hex_color
