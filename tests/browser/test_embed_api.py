"""The window.ChatSkins API and the frame protocol in Chromium: methods, events, inputs, forgeries, bubbles."""

from __future__ import annotations

import json

import pytest

from tests.support.embed_site import (
    bubble_btn,
    chat_frame,
    expect_closed,
    iframe_count,
    names,
    panel,
    record_commands,
    wait_event,
)
from tests.support.hooks import DEMO_HOOK, PARAMS_EMPTY_HOOK

pytestmark = pytest.mark.browser


def test_every_api_call_and_event(page, host, site):
    page.goto(site.page("api", [(host.url(DEMO_HOOK, "/embed.js"), {"prefetch": "false"})]))
    bubble_btn(page).wait_for()
    assert page.evaluate("ChatSkins.get() === ChatSkins.bubbles[0] && ChatSkins.get('nope') === undefined")
    assert page.evaluate(f"ChatSkins.get('{DEMO_HOOK}').id") == DEMO_HOOK

    # Inputs set before the chat exists wait until it is ready.
    page.evaluate("ChatSkins.setInputs({topic: 'boats'})")
    page.evaluate("ChatSkins.open()")
    assert page.evaluate("ChatSkins.get().isOpen && ChatSkins.isOpen")
    wait_event(page, "ready")
    assert page.evaluate("ChatSkins.get().isReady")
    frame = page.frame_locator("chat-skins iframe")
    record_commands(frame.locator("html"))

    page.evaluate("ChatSkins.close()")
    expect_closed(page)
    assert page.evaluate("ChatSkins.isOpen") is False
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
          ChatSkins.on('ready', d => window.late.push(['ready', d.bubble, typeof d.skin, 'conversationId' in d]));
        }"""
    )
    page.evaluate("ChatSkins.send('/help')")
    wait_event(page, "answer", count=2)
    # A late ready listener gets the documented detail, like the ones that were there in time.
    assert page.evaluate("window.late") == [["ready", DEMO_HOOK, "string", True]]
    got = names(page)
    for name in ("ready", "open", "close", "message", "answer", "conversation"):
        assert name in got, name
    assert not page.js_errors


def test_inputs_from_config_reach_the_page_after_ready(page, host, site):
    head = "<script>window.ChatSkinsConfig = {inputs: {plan: 'pro', seats: 3}, prefetch: false};</script>"
    page.goto(site.page("inputs", [(host.url(DEMO_HOOK, "/embed.js"), {})], head=head))
    bubble_btn(page).wait_for()
    # Catch the very first command: record in every document the frame loads (a page's init scripts run in
    # its frames too).
    page.add_init_script(
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
