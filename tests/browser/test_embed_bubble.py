"""The bubble in Chromium: opening, closing, keyboard, welcome preview, dragging, phones, accessibility."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.embed_site import (
    bubble_btn,
    chat_frame,
    expect_closed,
    focus_on_bubble,
    iframe_count,
    names,
    panel,
    wait_event,
)
from tests.support.hooks import DEMO_APP, DEMO_HOOK

pytestmark = pytest.mark.browser


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
    page.wait_for_function("() => document.querySelector('chat-skins').classList.contains('chatskins-expanded')")
    big = panel(page).bounding_box()
    assert big["width"] > small["width"] and big["height"] > small["height"]
    # The expanded panel still ends above the bubble (its close button), never over the composer.
    assert big["y"] + big["height"] <= bubble_btn(page).bounding_box()["y"]
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


def test_welcome_preview_after_its_delay(page, host, site):
    attrs = {"welcome": "Questions? Ask me!", "welcome-delay": "600", "prefetch": "false"}
    # Note exactly when the preview appears, measured from the bubble's creation (timing-proof under load).
    head = """<script>ChatSkins.push(cs => {
      window.t0 = performance.now();
      new MutationObserver(() => { window.shownAfter = performance.now() - window.t0; })
        .observe(cs.get().el.shadowRoot.querySelector('.chatskins-welcome'), {attributes: true});
    });</script>"""
    page.goto(site.page("welcome", [(host.url(DEMO_HOOK, "/embed.js"), attrs)], head=head))
    tip = page.locator("chat-skins .chatskins-welcome")
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
    tip = page.locator("chat-skins .chatskins-welcome")
    tip.wait_for(state="visible", timeout=5000)
    tip.locator("button.chatskins-welcome-dismiss").click()
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


def test_bubble_and_preview_pass_axe(page, host, site):
    axe = (Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js").read_text()
    attrs = {"welcome": "Need a hand? Ask me anything.", "welcome-delay": "0", "prefetch": "false"}
    page.goto(site.page("axe", [(host.url(DEMO_HOOK, "/embed.js"), attrs)]))
    page.locator("chat-skins .chatskins-welcome").wait_for(state="visible", timeout=5000)
    page.add_script_tag(content=axe)
    audit = "axe.run(document, {iframes: false}).then(r => r.violations.map(v => [v.id, v.nodes.length]))"
    assert page.evaluate(audit) == []
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready")
    assert page.evaluate(audit) == []
