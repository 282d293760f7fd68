"""How the embed loads in Chromium: never blocking the host page, prefetch, and origins refused by the chat page."""

from __future__ import annotations

import urllib.request

import pytest

from tests.support.chat_page import track_errors
from tests.support.embed_site import bubble_btn, chat_frame, panel, wait_event
from tests.support.hooks import DEMO_APP, DEMO_HOOK, FAST

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    """A fresh context per test: what loads when, and from where, is the subject here (no warm cache)."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    p = ctx.new_page()
    track_errors(p)
    yield p
    ctx.close()


COUNT_FRAMES = """<script>
  window.atDCL = null; window.atLoad = null;
  const count = () => [...document.querySelectorAll('chat-skins')]
    .filter(h => h.shadowRoot.querySelector('iframe')).length;
  document.addEventListener('DOMContentLoaded', () => { window.atDCL = count(); });
  addEventListener('load', () => { window.atLoad = count(); });
</script>"""


TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const script = performance.getEntriesByType('resource').find(r => r.name.endsWith('/embed.js'));
  const frame = performance.getEntriesByType('resource').find(r => r.initiatorType === 'iframe');
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {load: nav.loadEventEnd, dcl: nav.domContentLoadedEventEnd, blocking: script.renderBlockingStatus,
          scriptEnd: script.responseEnd, frameStart: frame ? frame.startTime : null,
          paint: paint ? paint.startTime : null};
}"""


@pytest.mark.parametrize("loading", ["async", "defer"])
def test_host_page_load_is_not_blocked(page, host, site, loading):
    page.goto(
        site.page(f"perf-{loading}", [(host.url(DEMO_HOOK, "/embed.js"), {})], head=COUNT_FRAMES, loading=loading)
    )
    page.wait_for_function("window.atLoad !== null")
    # No iframe competes with the host page's own load: it comes only after `load`, when idle.
    assert page.evaluate("window.atDCL") == 0
    assert page.evaluate("window.atLoad") == 0
    # The iframe's own entry is reported once it has loaded.
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(r => r.initiatorType === 'iframe')", timeout=15000
    )
    timing = page.evaluate(TIMING)
    assert timing["blocking"] == "non-blocking"
    assert timing["frameStart"] is not None and timing["frameStart"] >= timing["load"]


def test_a_slow_script_delays_neither_paint_nor_dom_ready(page, host, site):
    # The real script, served by the host site 1.5 s late: the page must not wait for it.
    with urllib.request.urlopen(host.url(DEMO_HOOK, "/embed.js"), timeout=30) as res:
        assert res.status == 200
        site.slow["/slow/embed.js"] = (res.read(), 1.5)
    page.goto(site.page("perf-slow", [(f"{site.origin}/slow/embed.js", {"prefetch": "false"})]))
    bubble_btn(page).wait_for(timeout=10000)
    timing = page.evaluate(TIMING)
    assert timing["scriptEnd"] >= 1400
    assert timing["dcl"] < timing["scriptEnd"] - 1000
    assert timing["paint"] is not None and timing["paint"] < timing["scriptEnd"] - 1000


def test_disallowed_origin_cannot_frame_the_page(page, make_host, site):
    allowed_hook, blocked_hook = "embedallowed0001", "embedblocked0001"
    app = {"app_id": DEMO_APP, "inputs": {}, "files": []}
    config = {
        "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
        "endpoints": [
            {"hook_id": allowed_hook, "name": "Allowed", "settings": {"app": app, "allowed_origins": site.origin}},
            {
                "hook_id": blocked_hook,
                "name": "Blocked",
                "settings": {"app": app, "allowed_origins": "https://somewhere-else.example"},
            },
        ],
    }
    local = make_host(config)
    scripts = [
        (local.url(allowed_hook, "/embed.js"), {"id": "ok", "open": "true", "timeout": "4000"}),
        (local.url(blocked_hook, "/embed.js"), {"id": "no", "open": "true", "timeout": "4000", "position": "left"}),
    ]
    blocked_responses = []
    page.on(
        "response",
        lambda r: blocked_responses.append(r) if r.url.startswith(local.url(blocked_hook, "/?")) else None,
    )
    page.goto(site.page("csp", scripts, loading="defer"))
    page.wait_for_function("ChatSkins.bubbles.length === 2")
    page.evaluate("track(ChatSkins.get('no'))")
    # The allowed site gets a working chat (so the test can tell the difference)...
    wait_event(page, "ready", bubble="ok")
    # ...the other is refused by the browser: no page, no ready, an error event after the timeout.
    wait_event(page, "error", bubble="no", timeout=10000)
    error = next(e for e in page.evaluate("window.events") if e["name"] == "error" and e["bubble"] == "no")
    assert error["code"] == "embed_unavailable"
    assert not [e for e in page.evaluate("window.events") if e["name"] == "ready" and e["bubble"] == "no"]
    assert blocked_responses and blocked_responses[0].status == 200
    csp = blocked_responses[0].headers["content-security-policy"]
    assert "frame-ancestors 'self' https://somewhere-else.example" in csp
    frame = next(f for f in page.frames if "embedblocked0001" in f.url or f.url.startswith("chrome-error:"))
    assert frame.url.startswith("chrome-error:") or frame.evaluate("document.getElementById('cs-app')") is None


def test_prefetched_chat_opens_at_once_with_focus_in_the_input(page, host, site):
    page.goto(site.page("prefetch", [(host.url(DEMO_HOOK, "/embed.js"), {})]))
    # Prefetched once the page loaded and the browser was idle; ready while still closed.
    wait_event(page, "ready")
    assert not panel(page).is_visible()
    bubble_btn(page).click()
    frame = chat_frame(page)
    frame.locator("#cs-input").wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.localName === 'chat-skins'", timeout=5000
    )
    assert frame.locator("#cs-input").evaluate("el => document.activeElement === el && document.hasFocus()")
