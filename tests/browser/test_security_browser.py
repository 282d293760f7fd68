"""The page's CSP and Trusted Types in Chromium: DOMPurify's policy works, nothing else may write HTML."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.assets import serve_asset
from chat_skins.pages import render_page
from chat_skins.security import page_headers
from chat_skins.skins import SKINS
from tests.support.chromium import launch, require_chromium
from tests.support.fixtures import REPO_ROOT

pytestmark = pytest.mark.browser

PURIFY = REPO_ROOT / "node_modules" / "dompurify" / "dist" / "purify.min.js"
BASE = "https://dify.test/e/abcdefgh12345678/"
SETTINGS = {"app": {"app_id": "demo-chat"}, "bot_name": "<b>Ava</b>", "accent_color": "#ffd400", "footer_text": "Hi"}

TT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tt</title>
<script src="purify.js"></script></head><body><div id="out"></div>
<script>window.inlineRan = true;</script></body></html>"""

RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""

TT_CHECKS = """() => {
  const out = document.getElementById('out');
  const result = {inlineRan: window.inlineRan === true};
  try { out.innerHTML = '<b>raw</b>'; result.rawString = 'allowed'; } catch (e) { result.rawString = e.name; }
  const clean = DOMPurify.sanitize('<img src=x onerror="window.pwned=1"><b>ok</b>', {RETURN_TRUSTED_TYPE: true});
  result.isTrusted = trustedTypes.isHTML(clean);
  out.innerHTML = clean;
  result.html = out.innerHTML;
  try { trustedTypes.createPolicy('chat-skins', {createHTML: (s) => s}); result.ours = 'ok'; }
  catch (e) { result.ours = e.name; }
  try { trustedTypes.createPolicy('evil', {createHTML: (s) => s}); result.evil = 'ok'; }
  catch (e) { result.evil = e.name; }
  return result;
}"""


# Imports the probe chunk the way chat/lazy.js does: by the config's relative URL, resolved against the page.
LAZY_PROBE = """async () => {
  const cfg = JSON.parse(document.getElementById('cs-app').dataset.config);
  const url = cfg.chunks && cfg.chunks.probe;
  if (!url) return {url: null};
  try { const mod = await import(new URL(url, document.baseURI).href); return {url, ready: mod.ready}; }
  catch (e) { return {url, error: e.name}; }
}"""


def to_request(url: str, headers: dict[str, str]) -> tuple[Request, str]:
    """A werkzeug request as the plugin sees it (the /e/<hook> prefix stripped), and the stripped path."""
    parts = urlsplit(url)
    path = "/" + parts.path.split("/", 3)[3] if parts.path.count("/") >= 3 else "/"
    # route.fulfill cannot pass a gzip body through, so ask for identity.
    headers = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}
    headers["Dify-Hook-Id"] = "abcdefgh12345678"
    return Request(EnvironBuilder(path=path, query_string=parts.query, headers=headers).get_environ()), path


def handle(route) -> None:
    request, path = to_request(route.request.url, route.request.headers)
    if path == "/tt":
        route.fulfill(status=200, headers=dict(page_headers(None)), content_type="text/html", body=TT_PAGE)
    elif path == "/purify.js":
        route.fulfill(status=200, content_type="text/javascript", body=PURIFY.read_bytes())
    elif path.startswith("/static/"):
        response = serve_asset(request, path.removeprefix("/static/"))
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())
    elif path == "/talk":
        route.fulfill(status=503, content_type="application/json", body='{"code":"x","message":"x","status":503}')
    else:
        response = render_page(request, SETTINGS, None)
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())


def in_chromium(scenario):
    """Run `scenario(context)` with its own Playwright in a thread (other tests may hold one in this one)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    result: dict = {}

    def run():
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                try:
                    context = browser.new_context()
                    context.route("https://dify.test/**", handle)
                    context.add_init_script(RECORDER)
                    result["value"] = scenario(context)
                finally:
                    browser.close()
        except Exception as exc:  # re-raised in the test's thread
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "Chromium scenario timed out"
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.fixture(scope="module")
def observed():
    def scenario(context):
        out = {}
        page = context.new_page()
        page.goto(BASE + "tt")
        out["tt"] = page.evaluate(TT_CHECKS)
        out["tt_violations"] = page.evaluate("window.__violations")
        out["pages"] = {}
        for name in ("", *(s.name for s in SKINS)):
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda m, c=console: c.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, c=console: c.append(str(e)))
            page.goto(BASE + name + "?lang=en")
            page.wait_for_load_state("networkidle")
            out["pages"][name] = {
                "errors": list(console),
                "violations": page.evaluate("window.__violations"),
                "title": page.title(),
                "accent": page.evaluate(
                    "getComputedStyle(document.documentElement).getPropertyValue('--cs-on-accent').trim()"
                ),
                "raw_html_sink": page.evaluate(
                    "() => { try { document.body.insertAdjacentHTML('beforeend', '<i>x</i>'); return 'allowed'; }"
                    " catch (e) { return e.name; } }"
                ),
            }
            page.close()
        page = context.new_page()
        page.goto(BASE + "minimal?lang=en")
        out["lazy"] = page.evaluate(LAZY_PROBE)
        out["lazy_violations"] = page.evaluate("window.__violations")
        return out

    return in_chromium(scenario)


def test_dompurify_trusted_type_works_under_the_csp(observed):
    tt = observed["tt"]
    assert tt["isTrusted"] is True
    assert tt["html"] == '<img src="x"><b>ok</b>'
    # The page creates no policy of its own, so no other name is a free slot for an injected script.
    assert tt["ours"] == "TypeError"


def test_other_sinks_and_policies_are_refused(observed):
    tt = observed["tt"]
    assert tt["rawString"] == "TypeError"
    assert tt["evil"] == "TypeError"
    assert tt["inlineRan"] is False
    assert any(v.startswith("script-src") and v.endswith("inline") for v in observed["tt_violations"])


@pytest.mark.parametrize("name", ["", *(s.name for s in SKINS)])
def test_real_pages_load_without_csp_violations_or_errors(observed, name):
    seen = observed["pages"][name]
    assert seen["violations"] == []
    assert seen["errors"] == []
    assert seen["title"] == "<b>Ava</b>"
    assert seen["raw_html_sink"] == "TypeError"


def test_accent_reaches_the_page_through_cssom(observed):
    # The client applies the server's AA pair with style.setProperty, which the CSP allows.
    assert observed["pages"][""]["accent"] == "#000000"


def test_lazy_chunks_load_under_the_csp(observed):
    lazy = observed["lazy"]
    assert lazy["url"].startswith("static/gen/lazy/probe.js?v="), lazy
    assert lazy.get("ready") is True, lazy
    assert observed["lazy_violations"] == []
