"""The gallery tells the operator how `allowed_origins` was understood (pure, no host)."""

from __future__ import annotations

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.gallery import render_gallery
from chat_skins.language import LANGUAGES, prefixed


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
