"""custom_css: the checker (a hostile corpus, property-based fuzzing) and the stylesheet route (in-process)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.custom_css import MAX_BYTES, Unsafe, check, custom_css, serve_custom_css
from chat_skins.page_config import build_config, request_variant
from chat_skins.pages import render_page
from chat_skins.settings import parse_settings
from chat_skins.skins import get_skin

CORPUS = json.loads((Path(__file__).parent / "data" / "hostile" / "custom-css.json").read_text(encoding="utf-8"))
APP = {"app_id": "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e", "inputs": {}}


@pytest.mark.parametrize("entry", CORPUS["refused"], ids=lambda e: e["name"])
def test_hostile_css_is_refused_whole(entry, caplog):
    with pytest.raises(Unsafe):
        check(entry["css"])
    custom_css.cache_clear()
    with caplog.at_level(logging.WARNING, logger="chat_skins.custom_css"):
        assert custom_css(entry["css"]) is None
    assert "custom_css: the setting was dropped" in caplog.text


@pytest.mark.parametrize("entry", CORPUS["allowed"], ids=lambda e: e["name"])
def test_ordinary_css_passes_as_written(entry):
    served = check(entry["css"])
    assert entry["css"].strip() in served
    sheet = custom_css(entry["css"])
    assert sheet is not None and sheet.url == f"operator.css?v={sheet.digest}" and len(sheet.digest) == 12


def test_empty_and_blank_values_give_no_stylesheet():
    assert custom_css("") is None
    assert custom_css("   \n ") is None


def test_the_size_limit_is_on_bytes():
    rule = ".cs-title::after{content:'安'}"
    fits = rule * (MAX_BYTES // len(rule.encode()) - 1)
    assert check(fits)
    with pytest.raises(Unsafe):
        check(rule * (MAX_BYTES // len(rule.encode()) + 1))


# --- an independent reading of what a browser would see, to judge the checker's output -----------

_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def browser_view(css: str) -> str:
    """Escapes decoded, comments removed (both ways old and new engines read them), lower-cased."""

    def one(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(2)

    decoded = _ESCAPE.sub(one, css)
    return (_COMMENT.sub(" ", decoded) + "\n" + _COMMENT.sub("", decoded)).lower()


def assert_harmless(served: str) -> None:
    seen = browser_view(served)
    for bad in ("@import", "@namespace", "expression", "behavior", "binding", "javascript:", "</style", "<", "-->"):
        assert bad not in seen, bad
    for target in re.findall(r"url\(\s*['\"]?([^'\")\s]*)", seen):
        assert target.startswith(("https://", "data:image/")), target
    # Braces inside a string, a comment or after a backslash are text; the others must balance.
    outside = structure(served)
    assert outside.count("{") == outside.count("}")


def structure(css: str) -> str:
    """The characters of `css` outside comments and strings, escaped ones left out (as a CSS tokenizer reads)."""
    out, i = [], 0
    while i < len(css):
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 2
        elif css[i] in "'\"":
            j = i + 1
            while j < len(css) and css[j] not in (css[i], "\n"):
                j += 2 if css[j] == "\\" else 1
            i = j + 1
        elif css[i] == "\\":
            i += 2
        else:
            out.append(css[i])
            i += 1
    return "".join(out)


FRAGMENTS = [
    ".cs-title{",
    "}",
    ":root{--cs-accent:#123456}",
    "color:red;",
    "@import ",
    "@\\69mport ",
    "url(",
    ")",
    "https://cdn.example.com/a.png",
    "http://evil.example/",
    "/console/api/logout",
    "javascript:",
    "java\\73 cript:",
    "data:image/png;base64,AAAA",
    "data:text/html,",
    "expression(",
    "expr/**/ession(",
    "e\\78 pression(",
    "behavior:",
    "-moz-binding:",
    "\\75 rl(",
    "u\\72 l(",
    "</style>",
    "\\3c /style\\3e ",
    "<!--",
    "-->",
    "/*",
    "*/",
    "'",
    '"',
    "\\",
    "\n",
    " ",
    "@media (max-width:600px){",
    "image-set(",
    "\\",
    "\\0 ",
    "\\d800 ",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=24))
@example([".cs-title{", "background:", "url(", "https://cdn.example.com/a.png", ")", "}"])
def test_fuzzed_fragments_pass_only_when_harmless(parts):
    css = "".join(parts)
    try:
        served = check(css)
    except Unsafe:
        return
    assert_harmless(served)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_refused_or_harmless_and_never_crashes(css):
    try:
        served = check(css)
    except Unsafe:
        return
    assert_harmless(served)


IDENT = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True).filter(
    lambda s: not any(w in s for w in ("expression", "behavio", "binding", "javascript", "vbscript"))
)
VALUE = st.one_of(
    st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
    st.integers(0, 999).map(lambda n: f"{n}px"),
    st.sampled_from(["red", "transparent", "inherit", "var(--cs-accent)", "calc(100% - 2rem)"]),
    st.sampled_from(["url(https://cdn.example.com/a.png)", "url('https://cdn.example.com/b.svg?x=1')"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(IDENT, st.lists(st.tuples(IDENT, VALUE), min_size=1, max_size=4)), min_size=1, max_size=6))
def test_generated_ordinary_stylesheets_always_pass(rules):
    css = "\n".join(f".cs-{sel} {{ " + "; ".join(f"{p}: {v}" for p, v in decls) + " }" for sel, decls in rules)
    assert css in check(css)


# --- the route, in-process ----------------------------------------------------------------------


def get(query: dict | None = None, headers: dict | None = None) -> Request:
    return Request(EnvironBuilder(path="/operator.css", query_string=query or {}, headers=headers or {}).get_environ())


CSS = ":root{--cs-accent:#0f766e}"


def test_route_serves_the_checked_css_immutable_under_its_hash():
    sheet = custom_css(CSS)
    res = serve_custom_css(get({"v": sheet.digest}), {"custom_css": CSS})
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/css; charset=utf-8"
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert CSS in res.get_data(as_text=True)
    etag = res.headers["ETag"]
    again = serve_custom_css(get({"v": sheet.digest}, {"If-None-Match": etag}), {"custom_css": CSS})
    assert again.status_code == 304


def test_route_without_the_current_hash_is_not_cached_for_good():
    res = serve_custom_css(get({"v": "000000000000"}), {"custom_css": CSS})
    assert res.status_code == 200
    assert res.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("value", [None, "", "@import url(https://evil.example/a.css);", 42])
def test_route_is_a_json_404_without_a_usable_stylesheet(value):
    res = serve_custom_css(get(), {"custom_css": value})
    assert res.status_code == 404
    assert res.headers["Content-Type"] == "application/json"
    assert json.loads(res.get_data())["code"] == "not_found"


def page(raw: dict) -> str:
    req = Request(EnvironBuilder(path="/minimal").get_environ())
    res = render_page(req, raw)
    assert res.status_code == 200
    return res.get_data(as_text=True)


def test_page_links_the_stylesheet_after_the_skin_only_when_set():
    sheet = custom_css(CSS)
    html = page({"app": APP, "custom_css": CSS})
    link = f'<link rel="stylesheet" href="operator.css?v={sheet.digest}" data-cs-custom-css>'
    assert link in html
    assert html.index("gen/skins/minimal.css") < html.index(link) < html.index("</head>")
    assert "operator.css" not in page({"app": APP})
    assert "operator.css" not in page({"app": APP, "custom_css": "</style><script>alert(1)</script>"})


def test_page_config_carries_the_url_and_never_the_css():
    settings = parse_settings({"app": APP, "custom_css": CSS})
    req = Request(EnvironBuilder(path="/").get_environ())
    config = build_config(settings, get_skin(settings.skin), None, **request_variant(req, settings))
    assert config["customCss"] == custom_css(CSS).url
    assert CSS not in json.dumps(config)
