"""The chat page, rendered in-process: skin choice, config, headers, resilience, and hostile settings."""

from __future__ import annotations

import gzip
import json
import statistics
import time
from html.parser import HTMLParser

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import app_params, pages
from chat_skins.page_config import build_config, request_variant
from chat_skins.settings import parse_settings
from chat_skins.skins import SKINS, get_skin

APP = {"app_id": "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e", "inputs": {}}
PARAMS = {
    "opening_statement": "Hello from the app.",
    "suggested_questions": ["First?", "Second?"],
    "user_input_form": [{"text-input": {"label": "Name", "variable": "name", "required": True, "max_length": 40}}],
}


class Page(HTMLParser):
    """Tags, attributes and text of a rendered page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)

    def by_id(self, ident: str) -> dict[str, str | None]:
        found = [attrs for _, attrs in self.tags if attrs.get("id") == ident]
        assert len(found) == 1, f"expected one #{ident}, got {len(found)}"
        return found[0]

    def first(self, tag: str) -> dict[str, str | None]:
        return next(attrs for name, attrs in self.tags if name == tag)

    def shape(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(tag, tuple(sorted(attrs))) for tag, attrs in self.tags]


@pytest.fixture(autouse=True)
def fresh_caches():
    app_params.clear_cache()
    pages._pages.clear()
    yield
    app_params.clear_cache()
    pages._pages.clear()


def request(path: str = "/", query: dict | None = None, headers: dict | None = None) -> Request:
    return Request(EnvironBuilder(path=path, query_string=query or {}, headers=headers or {}).get_environ())


def fetch_ok(app_id):
    return {"data": PARAMS}


def fetch_fails(app_id):
    raise Exception("invoke app failed: request failed with status code: 500")


def render(raw=None, path="/", fetch=fetch_ok, **kw):
    response = pages.render_page(request(path, **kw), raw if raw is not None else {"app": APP}, fetch)
    html = response.get_data(as_text=True) if "Content-Encoding" not in response.headers else ""
    return response, html


def page_config(html: str) -> dict:
    return json.loads(Page(html).by_id("cs-app")["data-config"])


def test_root_renders_the_default_skin_with_app_params():
    response, html = render()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    config = page_config(html)
    assert config["skin"] == "minimal"
    assert config["welcome"] == "Hello from the app."
    assert config["suggestions"] == ["First?", "Second?"]
    assert config["inputForm"][0]["variable"] == "name"
    assert config["appConfigured"] is True and config["paramsUnavailable"] is False
    # Exactly what build_config makes: nothing is string-built on the way into the attribute.
    settings = parse_settings({"app": APP})
    assert config == build_config(settings, get_skin("minimal"), PARAMS, **request_variant(request(), settings))


@pytest.mark.parametrize("skin", [s.name for s in SKINS])
def test_skin_path_wins_over_the_setting(skin):
    other = next((s.name for s in SKINS if s.name != skin), skin)
    response, html = render({"app": APP, "skin": other}, path=f"/{skin}")
    assert response.status_code == 200
    assert page_config(html)["skin"] == skin


def test_root_follows_the_skin_setting():
    name = SKINS[-1].name
    response, html = render({"app": APP, "skin": name})
    assert response.status_code == 200
    assert page_config(html)["skin"] == name


@pytest.mark.parametrize("raw", [{}, None, {"app": None, "skin": 5, "show_sources": "maybe"}, "garbage", {"app": {}}])
def test_renders_without_settings(raw):
    calls = []
    response = pages.render_page(request(), raw, lambda app_id: calls.append(app_id))
    assert response.status_code == 200
    config = page_config(response.get_data(as_text=True))
    assert config["appConfigured"] is False
    assert calls == []


def test_renders_when_fetch_app_fails():
    response, html = render(fetch=fetch_fails)
    assert response.status_code == 200
    config = page_config(html)
    assert config["paramsUnavailable"] is True
    assert config["welcome"] == "" and config["inputForm"] == []


def test_app_params_are_cached_between_renders():
    calls = []

    def fetch(app_id):
        calls.append(app_id)
        return {"data": PARAMS}

    for _ in range(3):
        response, _html = render(fetch=fetch)
        assert response.status_code == 200
    assert calls == [APP["app_id"]]


def test_security_headers():
    response, _ = render()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "require-trusted-types-for 'script'" in csp
    assert "frame-ancestors *" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "X-Frame-Options" not in response.headers
    denied, _ = render({"app": APP, "allowed_origins": "none"})
    assert denied.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self';" in denied.headers["Content-Security-Policy"]


def test_gzip_when_accepted():
    plain, html = render()
    packed, _ = render(headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()).decode() == html
    assert "Content-Encoding" not in plain.headers


def test_lang_theme_and_title():
    _, html = render({"app": APP, "bot_name": "Ava"}, query={"lang": "zh-CN", "theme": "dark"})
    page = Page(html)
    assert page.first("html")["lang"] == "zh-Hans"
    assert page_config(html)["theme"] == "dark"
    assert "<title>Ava</title>" in html
    _, html = render()
    assert Page(html).first("html")["lang"] == "en"
    assert "<title>Chat</title>" in html


def test_every_url_is_relative_and_scripts_are_external():
    _, html = render()
    page = Page(html)
    assert page.script_text == [], "inline script"
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts, "the page loads its client"
    for tag, attrs in page.tags:
        assert tag != "style", "inline <style> is blocked by the CSP"
        assert "style" not in attrs, f"inline style attribute on <{tag}> is blocked by the CSP"
        assert not any(name.startswith("on") for name in attrs), f"event handler attribute on <{tag}>"
        for name in ("src", "href", "action"):
            url = attrs.get(name)
            if url is None:
                continue
            assert not url.startswith(("/", "http:", "https:", "javascript:")), f"<{tag} {name}={url}>"
    for attrs in scripts:
        assert attrs["src"].startswith("static/")
    # Versioned asset URLs, so the long cache lifetime can be used.
    assert any("?v=" in (attrs.get("src") or "") for attrs in scripts)


HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)>'</script><!--"
HOSTILE_SETTINGS = {
    "app": APP,
    "bot_name": HOSTILE,
    "welcome_message": HOSTILE,
    "suggested_questions": f"{HOSTILE}|<svg onload=alert(3)>",
    "placeholder": HOSTILE,
    "footer_text": HOSTILE,
    "avatar_url": "javascript:alert(4)",
    "accent_color": "#fff;}*{background:url(javascript:alert(5))}",
    "allowed_origins": "https://a.example'; script-src *",
    "language": "<x>",
    "skin": "../../etc/passwd",
    "access_code": HOSTILE,
}
HOSTILE_PARAMS = {
    "opening_statement": HOSTILE,
    "suggested_questions": [HOSTILE],
    "user_input_form": [
        {"select": {"label": HOSTILE, "variable": "v", "options": [HOSTILE, "</script>"], "default": HOSTILE}}
    ],
}


def tame(value):
    """The same data with every hostile string replaced by plain words."""
    if isinstance(value, str):
        return value.replace(HOSTILE, "Plain words").replace("<svg onload=alert(3)>", "More words")
    if isinstance(value, dict):
        return {k: tame(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tame(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("raw", "params", "query"),
    [
        (HOSTILE_SETTINGS, PARAMS, {}),
        ({"app": APP}, HOSTILE_PARAMS, {}),
        ({"app": APP}, PARAMS, {"lang": HOSTILE, "theme": HOSTILE, "embed": "1", "origin": HOSTILE, "bubble": HOSTILE}),
        ({"app": APP, "avatar_url": 'https://x.example/a.png"onerror=alert(1)'}, PARAMS, {}),
    ],
)
def test_hostile_values_never_appear_raw(raw, params, query):
    response = pages.render_page(request(query=query), raw, lambda app_id: {"data": params})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for raw_marker in ("<script>alert", "<img src=x", "<svg onload", "javascript:", "'; script-src", '"><script'):
        assert raw_marker not in html
    assert html.count("</script>") == html.count("<script")
    # The document has exactly the structure of a harmless render: no element or attribute was injected.
    benign = pages.render_page(request(query=tame(query)), tame(raw), lambda app_id: {"data": tame(params)}).get_data(
        as_text=True
    )
    assert Page(html).shape() == Page(benign).shape()
    config = page_config(html)
    assert "javascript:" not in json.dumps(config)
    if raw is HOSTILE_SETTINGS:
        # The access code locks the page: the welcome only comes with the unlock answer.
        assert config["welcome"] == "" and config["accessRequired"] is True
        assert config["footer"] == HOSTILE
        assert config["accent"] is None and config["avatarUrl"] is None
        assert config["skin"] == "minimal" and config["lang"] == "en"
        assert HOSTILE not in response.headers["Content-Security-Policy"]
        assert "script-src *" not in response.headers["Content-Security-Policy"]


def test_template_error_gives_a_plain_500(monkeypatch):
    def broken(*args):
        raise RuntimeError("secret traceback detail")

    monkeypatch.setattr(pages, "_render", broken)
    response = pages.render_page(request(), {"app": APP}, fetch_ok)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret traceback detail" not in body and "Traceback" not in body
    assert "Content-Security-Policy" in response.headers


def test_render_is_fast_in_process():
    req_settings = {"app": APP, "bot_name": "Ava", "accent_color": "#2563eb"}
    render(req_settings)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        response, _ = render(req_settings, headers={"Accept-Encoding": "gzip"})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    # Generous: the SDK runtime around it costs milliseconds; this guards against accidental O(files) work.
    assert statistics.median(times) < 0.005


def test_renders_are_memoized_per_config():
    first, html = render({"app": APP, "bot_name": "Ava"})
    again, same = render({"app": APP, "bot_name": "Ava"})
    other, different = render({"app": APP, "bot_name": "Bea"})
    assert first.status_code == again.status_code == other.status_code == 200
    assert html == same
    assert page_config(different)["botName"] == "Bea"
    assert len(pages._pages) == 2
    dark, dark_html = render({"app": APP, "bot_name": "Ava"}, query={"theme": "dark"})
    assert page_config(dark_html)["theme"] == "dark"
    assert len(pages._pages) == 3


def test_document_language_direction_and_theme_come_from_the_server():
    response, html = render({"app": APP, "theme": "dark"}, headers={"Accept-Language": "fa-IR,en;q=0.5"})
    assert response.status_code == 200
    root = Page(html).first("html")
    assert (root["lang"], root["dir"], root["data-theme"]) == ("fa", "rtl", "dark")
    assert response.headers["Vary"] == "Accept-Language, Accept-Encoding"
    config = page_config(html)
    assert (config["lang"], config["dir"], config["theme"]) == ("fa", "rtl", "dark")
    chosen, _ = render({"app": APP, "language": "de"}, headers={"Accept-Language": "fa"})
    assert chosen.headers["Vary"] == "Accept-Encoding"


def test_a_repeat_visit_is_answered_from_memory_and_revalidates():
    first, html = render()
    again, same = render()
    assert first.status_code == again.status_code == 200 and html == same
    assert len(pages._pages) == 1
    etag = again.headers["ETag"]
    assert render(headers={"If-None-Match": etag})[0].status_code == 304
    # Fresh app parameters are a new object: a new page, rendered from them.
    app_params.clear_cache()
    changed, html = render(fetch=lambda app_id: {"data": {**PARAMS, "opening_statement": "New greeting."}})
    assert changed.status_code == 200
    assert page_config(html)["welcome"] == "New greeting." and changed.headers["ETag"] != etag
