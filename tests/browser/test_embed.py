"""The embed script in Chromium, on a host page served from another origin than the local Dify host."""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.hooks import DEMO_APP, DEMO_HOOK, FAST, PARAMS_EMPTY_HOOK

pytestmark = pytest.mark.browser

EVENTS = ["ready", "open", "close", "message", "answer", "error", "conversation"]

# Records every bubble's events in window.events (bubbles added later are tracked by track(b)).
RECORDER = """
window.events = [];
window.track = function (b) {
  %s.forEach(function (n) { b.on(n, function (d) { window.events.push(Object.assign({name: n}, d)); }); });
};
(window.ChatSkins = window.ChatSkins || []).push(function (cs) { track(cs.get()); });
""".replace("%s", json.dumps(EVENTS))


class Site:
    """A tiny web server on another loopback port: the 'customer' site that embeds the bot."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        # Scripts served after a delay: (body, seconds).
        self.slow: dict[str, tuple[bytes, float]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path in site.slow:
                    script, delay = site.slow[self.path]
                    time.sleep(delay)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/javascript")
                    self.send_header("Content-Length", str(len(script)))
                    self.end_headers()
                    self.wfile.write(script)
                    return
                body = site.pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, name: str, scripts: list[tuple[str, dict[str, str]]], head: str = "", loading: str = "async") -> str:
        """Serve a host page with one embed script tag per (src, data attributes); return its URL."""
        tags = "".join(
            f'<script src="{html.escape(src)}" {loading}'
            + "".join(f' data-{k}="{html.escape(v)}"' for k, v in attrs.items())
            + "></script>"
            for src, attrs in scripts
        )
        self.pages[f"/{name}"] = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host site</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<script>{RECORDER}</script>{head}</head>"
            '<body><main><h1>Host site</h1><p><button id="mine" type="button">My own button</button></p></main>'
            f"{tags}</body></html>"
        )
        return f"{self.origin}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site():
    s = Site()
    yield s
    s.close()


def names(page) -> list[str]:
    return page.evaluate("window.events.map(e => e.name)")


def wait_event(page, name: str, bubble: str | None = None, count: int = 1, timeout: float = 20000) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([n, b, c]) => window.events.filter(e => e.name === n && (!b || e.bubble === b)).length >= c",
            arg=[name, bubble, count],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        frames = [(f.url, f.evaluate("document.documentElement.outerHTML.length")) for f in page.frames]
        pytest.fail(f"no {name!r} event for {bubble}: events={page.evaluate('window.events')} frames={frames}")


def bubble_btn(page, bubble: str | None = None):
    return page.locator(f'chat-skins[data-bubble="{bubble}"] button.b' if bubble else "chat-skins button.b")


def panel(page, bubble: str | None = None):
    return page.locator(f'chat-skins[data-bubble="{bubble}"] .p' if bubble else "chat-skins .p")


def chat_frame(page, bubble: str | None = None):
    return page.frame_locator(f'chat-skins[data-bubble="{bubble}"] iframe' if bubble else "chat-skins iframe")


def iframe_count(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('chat-skins')].filter(h => h.shadowRoot.querySelector('iframe')).length"
    )


def focus_on_bubble(page) -> bool:
    return page.evaluate(
        "(() => { const h = document.activeElement; return !!h && h.localName === 'chat-skins' && "
        "h.shadowRoot.activeElement === h.shadowRoot.querySelector('button.b'); })()"
    )


def record_commands(frame) -> None:
    """Record, inside the chat page, every command the bridge dispatches."""
    frame.evaluate(
        "window.__cmds = []; document.addEventListener('chatskins:command', e => window.__cmds.push(e.detail))"
    )


def test_bubble_appears_opens_chats_and_closes(page, host, site):
    url = site.page("basic", [(host.url(DEMO_HOOK, "/embed.js"), {"prefetch": "false"})])
    page.goto(url)
    btn = bubble_btn(page)
    btn.wait_for()
    assert btn.get_attribute("aria-label") == "Chat with Demo Bot"
    assert btn.get_attribute("aria-expanded") == "false"
    assert not panel(page).is_visible()
    assert iframe_count(page) == 0

    btn.click()
    assert panel(page).is_visible()
    assert btn.get_attribute("aria-expanded") == "true"
    src = page.locator("chat-skins iframe").get_attribute("src")
    assert (
        src
        == host.url(DEMO_HOOK, "/")
        + f"?embed=1&origin={site.origin.replace(':', '%3A').replace('/', '%2F')}&bubble={DEMO_HOOK}"
    )
    wait_event(page, "ready")

    frame = chat_frame(page)
    box = frame.locator("#cs-input")
    box.fill("Hello from the host site")
    box.press("Enter")
    wait_event(page, "answer")
    sent = [e for e in page.evaluate("window.events") if e["name"] == "message"]
    assert sent[0]["text"] == "Hello from the host site"
    assert sent[0]["bubble"] == DEMO_HOOK
    answer = next(e for e in page.evaluate("window.events") if e["name"] == "answer")
    assert answer["text"].strip()
    assert frame.locator(".cs-msg-user").first.is_visible()

    # The embed header's close button closes the panel and gives focus back to the bubble.
    frame.locator('[data-cs-action="close"]').click()
    expect_closed(page)
    assert focus_on_bubble(page)
    assert names(page)[:2] == ["open", "ready"]
    assert names(page)[-1] == "close"
    assert not page.js_errors


def expect_closed(page, bubble: str | None = None) -> None:
    panel(page, bubble).wait_for(state="hidden", timeout=5000)
    assert bubble_btn(page, bubble).get_attribute("aria-expanded") == "false"


def test_keyboard_open_focus_escape_and_expand(page, host, site):
    page.goto(site.page("keys", [(host.url(DEMO_HOOK, "/embed.js"), {})]))
    btn = bubble_btn(page)
    btn.focus()
    page.keyboard.press("Enter")
    wait_event(page, "ready")
    frame = chat_frame(page)
    # Opening from the bubble moves focus into the chat's input.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.localName === 'chat-skins'", timeout=5000
    )
    frame.locator("#cs-input").wait_for()
    assert frame.locator("#cs-input").evaluate("el => document.activeElement === el")

    # Expand (the header button) makes the panel larger; again makes it smaller.
    small = panel(page).bounding_box()
    frame.locator('[data-cs-action="expand"]').click()
    page.wait_for_function("() => document.querySelector('chat-skins').classList.contains('x')")
    big = panel(page).bounding_box()
    assert big["width"] > small["width"] and big["height"] > small["height"]
    page.evaluate("ChatSkins.expand(false)")
    assert panel(page).bounding_box() == small

    # Esc when nothing else wants it closes the panel and focus returns to the bubble.
    frame.locator("#cs-input").press("Escape")
    expect_closed(page)
    assert focus_on_bubble(page)
    # Esc on the bubble itself closes an open panel too.
    page.keyboard.press("Enter")
    panel(page).wait_for(state="visible")
    btn.focus()
    page.keyboard.press("Escape")
    expect_closed(page)


def test_escape_that_stops_an_answer_keeps_the_panel_open(page, make_host, site):
    # A bot at human pace, so the answer is still streaming when Esc is pressed.
    slow_hook = "embedslowbot0001"
    app = {"app_id": DEMO_APP, "inputs": {}, "files": []}
    local = make_host(
        {
            "apps": {DEMO_APP: {"backend": "demo", "speed": 1}},
            "endpoints": [{"hook_id": slow_hook, "name": "Slow", "settings": {"app": app}}],
        }
    )
    page.goto(site.page("esc-stream", [(local.url(slow_hook, "/embed.js"), {})]))
    bubble_btn(page).click()
    wait_event(page, "ready")
    frame = chat_frame(page)
    box = frame.locator("#cs-input")
    box.fill("/slow")
    box.press("Enter")
    stop = frame.locator('[data-cs-action="stop"]')
    stop.wait_for(state="visible", timeout=5000)
    box.press("Escape")
    stop.wait_for(state="hidden", timeout=5000)
    page.wait_for_timeout(300)
    assert panel(page).is_visible()
    assert "close" not in names(page)
    # The next Esc, with nothing left to stop, closes the panel.
    box.press("Escape")
    expect_closed(page)
    assert focus_on_bubble(page)


def test_every_api_call_and_event(page, host, site):
    page.goto(site.page("api", [(host.url(DEMO_HOOK, "/embed.js"), {"prefetch": "false"})]))
    bubble_btn(page).wait_for()
    assert page.evaluate("ChatSkins.get() === ChatSkins.bubbles[0] && ChatSkins.get('nope') === undefined")
    assert page.evaluate(f"ChatSkins.get('{DEMO_HOOK}').id") == DEMO_HOOK

    # Inputs set before the chat exists wait until it is ready.
    page.evaluate("ChatSkins.setInputs({topic: 'boats'})")
    page.evaluate("ChatSkins.open()")
    assert page.evaluate("ChatSkins.get().isOpen")
    wait_event(page, "ready")
    assert page.evaluate("ChatSkins.get().isReady")
    frame = page.frame_locator("chat-skins iframe")
    record_commands(frame.locator("html"))

    page.evaluate("ChatSkins.close()")
    expect_closed(page)
    page.evaluate("ChatSkins.toggle()")
    panel(page).wait_for(state="visible")
    page.evaluate("ChatSkins.toggle()")
    expect_closed(page)

    # send() opens the panel and sends the text as the visitor's message.
    page.evaluate("ChatSkins.send('What can you show me?')")
    panel(page).wait_for(state="visible")
    wait_event(page, "answer")
    message = next(e for e in page.evaluate("window.events") if e["name"] == "message")
    assert message["text"] == "What can you show me?"
    answer = next(e for e in page.evaluate("window.events") if e["name"] == "answer")
    assert answer["conversationId"] and answer["text"].strip()

    page.evaluate("ChatSkins.setInputs({topic: 'lighthouses'})")
    page.evaluate("ChatSkins.reset()")
    page.wait_for_function("() => true")
    cmds_frame = frame.locator("html")
    cmds_frame.evaluate("() => new Promise(r => setTimeout(r, 200))")
    cmds = cmds_frame.evaluate("() => window.__cmds")
    assert {"action": "setInputs", "inputs": {"topic": "lighthouses"}} in cmds
    assert {"action": "reset"} in cmds
    assert {"action": "send", "text": "What can you show me?"} in cmds
    # The inputs given before ready arrived first, in the initial setInputs.
    wait_event(page, "conversation")

    # off() removes a handler; a ready handler added late is called at once.
    page.evaluate(
        """() => {
          window.late = [];
          window.h = d => window.late.push(d.text);
          ChatSkins.on('answer', h).off('answer', h);
          ChatSkins.on('ready', d => window.late.push('ready:' + d.bubble));
        }"""
    )
    page.evaluate("ChatSkins.send('/help')")
    wait_event(page, "answer", count=2)
    assert page.evaluate("window.late") == [f"ready:{DEMO_HOOK}"]
    got = names(page)
    for name in ("ready", "open", "close", "message", "answer", "conversation"):
        assert name in got, name
    assert not page.js_errors


def test_inputs_from_config_reach_the_page_after_ready(page, host, site):
    head = "<script>window.ChatSkinsConfig = {inputs: {plan: 'pro', seats: 3}, prefetch: false};</script>"
    page.goto(site.page("inputs", [(host.url(DEMO_HOOK, "/embed.js"), {})], head=head))
    bubble_btn(page).wait_for()
    # Catch the very first command: record in every document the frame loads.
    page.context.add_init_script(
        "window.__cmds = []; document.addEventListener('chatskins:command', e => window.__cmds.push(e.detail))"
    )
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready")
    frame = chat_frame(page).locator("html")
    frame.evaluate("() => new Promise(r => setTimeout(r, 200))")
    cmds = frame.evaluate("() => window.__cmds")
    assert cmds[0] == {"action": "setInputs", "inputs": {"plan": "pro", "seats": 3}}
    assert {"action": "focus"} in cmds


def test_forged_messages_are_ignored_on_both_sides(page, host, site):
    page.goto(site.page("forged", [(host.url(DEMO_HOOK, "/embed.js"), {})]))
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready")
    frame = chat_frame(page).locator("html")
    record_commands(frame)
    # Outside: a message that claims to come from the chat but comes from the host page itself.
    page.evaluate(
        f"""() => window.postMessage({{type: 'chatskins', bubble: '{DEMO_HOOK}', name: 'answer',
                                         detail: {{text: 'forged'}}}}, '*')"""
    )
    # The same for 'close', which would close the panel.
    page.evaluate(f"() => window.postMessage({{type: 'chatskins', bubble: '{DEMO_HOOK}', name: 'close'}}, '*')")
    # Inside: commands from a sibling frame (right origin, wrong window) and for another bubble.
    page.evaluate(
        """(id) => new Promise(done => {
          const chat = document.querySelector('chat-skins').shadowRoot.querySelector('iframe').contentWindow;
          const sib = document.createElement('iframe');
          sib.srcdoc = '<p>sibling</p>';
          sib.onload = () => {
            const msg = (detail, bubble = id) => ({type: 'chatskins', bubble, name: 'command', detail});
            sib.contentWindow.eval('(' + ((m) => parent.document.querySelector('chat-skins').shadowRoot
              .querySelector('iframe').contentWindow.postMessage(m, '*')) + ')(' + JSON.stringify(
              msg({action: 'send', text: 'from sibling'})) + ')');
            chat.postMessage(msg({action: 'reset'}, 'other'), '*');
            chat.postMessage(msg({action: 'run'}), '*');
            setTimeout(done, 300);
          };
          document.body.append(sib);
        })""",
        DEMO_HOOK,
    )
    assert frame.evaluate("() => window.__cmds") == []
    assert "answer" not in names(page)
    assert panel(page).is_visible()
    # The real channel still works afterwards.
    page.evaluate("ChatSkins.reset()")
    frame.evaluate("() => new Promise(r => setTimeout(r, 200))")
    assert frame.evaluate("() => window.__cmds") == [{"action": "reset"}]


def test_welcome_preview_after_its_delay(page, host, site):
    attrs = {"welcome": "Questions? Ask me!", "welcome-delay": "600", "prefetch": "false"}
    # Note exactly when the preview appears, measured from the bubble's creation (timing-proof under load).
    head = """<script>ChatSkins.push(cs => {
      window.t0 = performance.now();
      new MutationObserver(() => { window.shownAfter = performance.now() - window.t0; })
        .observe(cs.get().el.shadowRoot.querySelector('.w'), {attributes: true});
    });</script>"""
    page.goto(site.page("welcome", [(host.url(DEMO_HOOK, "/embed.js"), attrs)], head=head))
    tip = page.locator("chat-skins .w")
    bubble_btn(page).wait_for()
    tip.wait_for(state="visible", timeout=5000)
    assert page.evaluate("window.shownAfter") >= 600
    assert tip.locator("button").first.inner_text() == "Questions? Ask me!"
    # Clicking the preview opens the chat and the preview does not come back in this tab.
    tip.locator("button").first.click()
    panel(page).wait_for(state="visible")
    assert not tip.is_visible()
    wait_event(page, "open")
    page.reload()
    bubble_btn(page).wait_for()
    page.wait_for_timeout(1200)
    assert not tip.is_visible()


def test_welcome_preview_can_be_dismissed(page, host, site):
    attrs = {"welcome": "Hi!", "welcome-delay": "0", "prefetch": "false"}
    page.goto(site.page("welcome-dismiss", [(host.url(DEMO_HOOK, "/embed.js"), attrs)]))
    tip = page.locator("chat-skins .w")
    tip.wait_for(state="visible", timeout=5000)
    tip.locator("button.wx").click()
    assert not tip.is_visible()
    assert not panel(page).is_visible()
    assert focus_on_bubble(page)


def test_open_on_load_without_taking_focus(page, host, site):
    page.goto(site.page("open", [(host.url(DEMO_HOOK, "/embed.js"), {"open": "true"})]))
    panel(page).wait_for(state="visible", timeout=5000)
    wait_event(page, "ready")
    assert names(page)[0] == "open"
    assert page.evaluate("document.activeElement === document.body")


def test_dragging_moves_the_bubble_without_opening(page, host, site):
    page.goto(site.page("drag", [(host.url(DEMO_HOOK, "/embed.js"), {"draggable": "true", "prefetch": "false"})]))
    btn = bubble_btn(page)
    btn.wait_for()
    before = btn.bounding_box()
    x, y = before["x"] + before["width"] / 2, before["y"] + before["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y - 40, steps=6)
    page.mouse.move(x - 200, y - 150, steps=6)
    page.mouse.up()
    # Measure away from the bubble: hovering scales it a little.
    page.mouse.move(5, 5)
    page.wait_for_timeout(250)
    after = btn.bounding_box()
    assert after["x"] == pytest.approx(before["x"] - 200, abs=2)
    assert after["y"] == pytest.approx(before["y"] - 150, abs=2)
    page.wait_for_timeout(200)
    assert not panel(page).is_visible()
    assert "open" not in names(page)
    # A press that moves only a pixel or two is still a click.
    cx, cy = after["x"] + after["width"] / 2, after["y"] + after["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 2, cy + 1)
    page.mouse.up()
    panel(page).wait_for(state="visible")


def test_phone_opens_full_screen(browser, host, site):
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        # Open-on-load never takes over a phone's screen.
        page.goto(site.page("phone", [(host.url(DEMO_HOOK, "/embed.js"), {"open": "true"})]))
        btn = bubble_btn(page)
        btn.wait_for()
        page.wait_for_timeout(300)
        assert not panel(page).is_visible()
        btn.tap()
        panel(page).wait_for(state="visible")
        box = panel(page).bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
        assert not btn.is_visible()
        wait_event(page, "ready")
        chat_frame(page).locator('[data-cs-action="close"]').tap()
        expect_closed(page)
        assert btn.is_visible()
    finally:
        context.close()


def test_two_bubbles_on_one_page_stay_separate(page, host, site):
    scripts = [
        (host.url(DEMO_HOOK, "/embed.js"), {"id": "sales", "prefetch": "false"}),
        (host.url(PARAMS_EMPTY_HOOK, "/embed.js"), {"id": "support", "position": "left", "color": "#fde047"}),
    ]
    # `defer` keeps the tags' order, so "first bubble" is well defined.
    page.goto(site.page("two", scripts, loading="defer"))
    bubble_btn(page, "support").wait_for()
    page.evaluate("ChatSkins.bubbles.slice(1).forEach(track)")
    assert page.evaluate("ChatSkins.bubbles.map(b => b.id)") == ["sales", "support"]
    sales, support = bubble_btn(page, "sales").bounding_box(), bubble_btn(page, "support").bounding_box()
    assert sales["x"] > 700 and support["x"] < 100
    # A light color gets a dark icon, the default dark color a white one.
    assert bubble_btn(page, "support").evaluate("b => getComputedStyle(b).color") == "rgb(17, 17, 17)"
    assert bubble_btn(page, "sales").evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"

    page.evaluate("ChatSkins.get('support').send('Hello support')")
    wait_event(page, "answer", bubble="support")
    assert not panel(page, "sales").is_visible()
    assert page.evaluate("ChatSkins.get('sales').isOpen") is False
    events = page.evaluate("window.events")
    assert {e["bubble"] for e in events} == {"support"}
    src = page.locator('chat-skins[data-bubble="support"] iframe').get_attribute("src")
    assert src.startswith(host.url(PARAMS_EMPTY_HOOK, "/") + "?") and "bubble=support" in src
    # The sales bubble has no iframe yet (prefetch off), and the global API addresses it first.
    assert page.locator('chat-skins[data-bubble="sales"] iframe').count() == 0
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready", bubble="sales")
    assert panel(page, "sales").is_visible()
    page.evaluate("ChatSkins.get('support').close()")
    expect_closed(page, "support")
    assert panel(page, "sales").is_visible()
    assert [e["bubble"] for e in page.evaluate("window.events") if e["name"] == "close"] == ["support"]


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


def test_config_object_targets_bubbles_by_url_and_id(page, host, site):
    config = [
        {"size": 48, "prefetch": False},
        {"url": host.url(DEMO_HOOK, "/"), "label": "Sales chat"},
        {"id": "support", "label": "Support desk", "position": "left", "icon": "?"},
    ]
    head = f"<script>window.ChatSkinsConfig = {json.dumps(config)};</script>"
    scripts = [
        (host.url(DEMO_HOOK, "/embed.js"), {"id": "sales", "label": "overridden by the config"}),
        (host.url(PARAMS_EMPTY_HOOK, "/embed.js"), {"id": "support"}),
    ]
    page.goto(site.page("config", scripts, head=head, loading="defer"))
    bubble_btn(page, "support").wait_for()
    assert bubble_btn(page, "sales").get_attribute("aria-label") == "Sales chat"
    assert bubble_btn(page, "support").get_attribute("aria-label") == "Support desk"
    assert bubble_btn(page, "support").inner_text() == "?"
    for bubble in ("sales", "support"):
        assert bubble_btn(page, bubble).bounding_box()["width"] == 48
    assert bubble_btn(page, "support").bounding_box()["x"] < 100
    page.wait_for_timeout(500)
    assert iframe_count(page) == 0


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


def test_bubble_and_preview_pass_axe(page, host, site):
    axe = (Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js").read_text()
    attrs = {"welcome": "Need a hand? Ask me anything.", "welcome-delay": "0", "prefetch": "false"}
    page.goto(site.page("axe", [(host.url(DEMO_HOOK, "/embed.js"), attrs)]))
    page.locator("chat-skins .w").wait_for(state="visible", timeout=5000)
    page.add_script_tag(content=axe)
    audit = "axe.run(document, {iframes: false}).then(r => r.violations.map(v => [v.id, v.nodes.length]))"
    assert page.evaluate(audit) == []
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready")
    assert page.evaluate(audit) == []
