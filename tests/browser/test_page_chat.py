"""The chat page's flows in Chromium through the local host: send, stream, stop, regenerate, reload,
conversations, input form, export, keyboard."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.chat_page import STREAMING
from tests.support.hooks import DEMO_APP, DEMO_HOOK, HOST_CONFIG, REPLAY_HOOK

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_send_streams_a_markdown_answer_and_fires_lifecycle_events(chat):
    page = chat.open(DEMO_HOOK).page
    page.evaluate(
        "() => { window.__ev = []; for (const n of ['message', 'answer', 'conversation', 'error'])"
        " document.addEventListener('chatskins:' + n, e => window.__ev.push([n, e.detail])); }"
    )
    assert page.locator("[data-cs-empty]").is_visible()
    chat.send("Tell me about lighthouses")
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == "Tell me about lighthouses"
    answer = chat.last_bot()
    assert answer.locator("[data-cs-answer] table").count() == 1  # markdown rendered
    assert answer.locator(".cs-code button.cs-code-copy").count() >= 1
    assert answer.locator("[data-cs-sources]").is_visible()
    assert answer.locator(".cs-source").count() == 2
    assert not page.locator("[data-cs-empty]").is_visible()
    events = page.evaluate("() => window.__ev")
    assert [e[0] for e in events] == ["message", "answer"]
    assert events[0][1] == {"text": "Tell me about lighthouses", "conversationId": None}
    assert events[1][1]["conversationId"] and events[1][1]["messageId"]
    assert "lighthouse" in events[1][1]["text"].lower()
    # Announced once, complete, in the polite live region (not every delta).
    page.wait_for_function("() => document.querySelector('[data-cs-live]').textContent.length > 20")
    assert page.locator("[data-cs-live]").inner_text().startswith("Demo Bot answered:")


def test_links_open_in_a_new_tab_safely(chat):
    chat.open(DEMO_HOOK)
    chat.send("Tell me about lighthouses")
    links = chat.last_bot().locator("[data-cs-answer] a[href]")
    assert links.count() >= 1
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"


def test_second_turn_continues_the_conversation(chat):
    page = chat.open(DEMO_HOOK).page
    chat.send("first question")
    chat.send("second question")
    assert "message 2 in this conversation" in chat.answers()[-1]
    assert page.locator(".cs-msg-bot").first.locator('[data-cs-action="regenerate"]').is_hidden()
    assert chat.last_bot().locator('[data-cs-action="regenerate"]').is_visible()


def test_stop_with_button_and_with_escape_keeps_the_partial_answer(chat, make_host):
    # A human-paced bot: at the suite's fast speed the answer can finish before Stop is clicked.
    paced = copy.deepcopy(HOST_CONFIG)
    paced["apps"][DEMO_APP]["speed"] = 1
    chat.host = make_host(paced)
    page = chat.open(DEMO_HOOK).page
    chat.send("/long", wait=False)
    chat.wait_streaming_text(200)
    page.click('[data-cs-action="stop"]')
    chat.wait_idle()
    bot = chat.last_bot()
    assert bot.locator("[data-cs-note]").inner_text() == "Stopped."
    assert len(chat.answers()[-1]) >= 200
    assert page.locator('[data-cs-action="send"]').is_visible()
    chat.send("/long", wait=False)
    chat.wait_streaming_text(200)
    page.keyboard.press("Escape")
    chat.wait_idle()
    assert chat.last_bot().locator("[data-cs-note]").inner_text() == "Stopped."


def test_regenerate_asks_the_same_question_again(chat):
    page = chat.open(DEMO_HOOK).page
    chat.send("What is a fog horn?")
    assert page.locator(".cs-msg").count() == 2
    page.click('.cs-msg-bot >> [data-cs-action="regenerate"]')
    chat.wait_idle()
    assert page.locator(".cs-msg-user").count() == 1
    assert page.locator(".cs-msg-bot").count() == 1
    assert "fog horn" in chat.answers()[-1].lower()


def test_reload_mid_stream_restores_everything_and_offers_regenerate(chat, make_host):
    # Human-paced: at the suite's fast speed (and with coalesced chunks) /long can finish before the close.
    paced = copy.deepcopy(HOST_CONFIG)
    paced["apps"][DEMO_APP]["speed"] = 1
    chat.host = make_host(paced)
    page = chat.open(DEMO_HOOK).page
    chat.send("a finished turn")
    chat.send("/long", wait=False)
    chat.wait_streaming_text(300)
    partial = chat.answers()[-1]
    # Closing the tab kills the stream at once (a reload may let it finish while the host is busy).
    context = page.context
    page.close()
    page = chat.page = context.new_page()
    chat.open(DEMO_HOOK)
    assert page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts() == ["a finished turn", "/long"]
    restored = chat.answers()[-1]
    assert len(restored) >= 300 and partial.startswith(restored[:200])
    bot = chat.last_bot()
    expect(bot.locator("[data-cs-note]")).to_have_text("This answer was interrupted.")
    assert bot.locator('[data-cs-action="regenerate"]').is_visible()
    assert page.locator(STREAMING).count() == 0
    keys = chat.stored_keys()
    assert keys and all(k.startswith(f"chatskins:{DEMO_HOOK}:") for k in keys)


def test_conversation_list_new_switch_rename_delete_and_export(chat):
    page = chat.open(DEMO_HOOK).page
    chat.send("first conversation")
    page.click('header [data-cs-action="new"]')
    assert page.locator(".cs-msg").count() == 0
    chat.send("second conversation")
    page.click('[data-cs-action="drawer"]')
    drawer = page.locator("[data-cs-drawer]")
    assert drawer.is_visible()
    assert page.locator('[data-cs-action="drawer"]').get_attribute("aria-expanded") == "true"
    titles = drawer.locator("[data-cs-conv-title]").all_inner_texts()
    assert titles == ["second conversation", "first conversation"]
    # Switch.
    drawer.locator('[data-cs-action="open-conv"]').nth(1).click()
    assert not drawer.is_visible()
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == "first conversation"
    # Rename (keyboard: Enter saves).
    page.click('[data-cs-action="drawer"]')
    drawer.locator('[data-cs-action="rename-conv"]').nth(1).click()
    field = drawer.locator(".cs-conv-edit input")
    field.fill("Renamed one")
    field.press("Enter")
    assert drawer.locator("[data-cs-conv-title]").all_inner_texts() == ["second conversation", "Renamed one"]
    assert drawer.locator('[aria-current="true"]').inner_text() == "Renamed one"
    # Delete the current one (with confirmation): the page starts over.
    current = drawer.locator('[aria-current="true"]').locator("xpath=..")
    current.locator('[data-cs-action="delete-conv"]').click()
    drawer.locator(".cs-btn-danger").click()
    assert drawer.locator("[data-cs-conv-title]").all_inner_texts() == ["second conversation"]
    page.keyboard.press("Escape")
    assert not drawer.is_visible()
    assert page.locator(".cs-msg").count() == 0
    # Export the remaining one as Markdown.
    page.click('[data-cs-action="drawer"]')
    drawer.locator('[data-cs-action="open-conv"]').first.click()
    with page.expect_download() as info:
        page.click('[data-cs-action="export"]')
    download = info.value
    assert download.suggested_filename == "second-conversation.md"
    text = open(download.path(), encoding="utf-8").read()
    assert text.startswith("# second conversation")
    assert "**You:**" in text and "**Demo Bot:**" in text and "Sources:" in text


def test_input_form_required_check_and_values_sent_as_inputs(chat):
    page = chat.open(REPLAY_HOOK).page
    form = page.locator("[data-cs-inputs]")
    assert form.is_visible()
    assert form.locator("input[type=text], textarea, select, input[type=number]").count() == 4
    sent: list[dict] = []
    page.on("request", lambda r: r.url.endswith("/talk") and sent.append(json.loads(r.post_data)))
    chat.send("fixture:chat-basic", wait=False)
    # Order number is required: nothing is sent, the field says why and gets focus.
    error = page.locator("#cs-in-0-err")
    assert error.inner_text() == "Order number is required."
    assert page.evaluate("() => document.activeElement.id") == "cs-in-0"
    assert page.locator(".cs-msg").count() == 0 and sent == []
    page.fill("#cs-in-0", "A-123")
    page.fill("#cs-in-3", "2")
    page.select_option("#cs-in-1", "Shipping")
    chat.send("fixture:chat-basic")
    assert len(sent) == 1
    assert sent[0]["inputs"] == {"order_no": "A-123", "topic": "Shipping", "notes": "", "items": 2}
    assert sent[0]["query"] == "fixture:chat-basic" and sent[0]["conversation_id"] is None
    assert not form.is_visible()
    assert chat.answers()[-1].startswith("Returns in short")


def test_commands_send_reset_set_inputs_and_focus(chat):
    page = chat.open(DEMO_HOOK).page
    page.evaluate(
        "() => document.dispatchEvent(new CustomEvent('chatskins:command',"
        " {detail: {action: 'setInputs', inputs: {name: 'Ada', tone: 'Brief'}}}))"
    )
    page.evaluate(
        "() => document.dispatchEvent(new CustomEvent('chatskins:command',"
        " {detail: {action: 'send', text: 'hello there'}}))"
    )
    chat.wait_idle()
    assert chat.answers()[-1].startswith("Hi Ada! Short answer")
    page.evaluate("() => document.dispatchEvent(new CustomEvent('chatskins:command', {detail: {action: 'reset'}}))")
    assert page.locator(".cs-msg").count() == 0
    page.evaluate("() => document.activeElement.blur()")
    page.evaluate("() => document.dispatchEvent(new CustomEvent('chatskins:command', {detail: {action: 'focus'}}))")
    assert page.evaluate("() => document.activeElement.id") == "cs-input"


def test_keyboard_only_chat_and_drawer(chat):
    page = chat.open(DEMO_HOOK).page
    # The message box has focus on load; the drawer button is the first stop of the page before it.
    assert page.evaluate("() => document.activeElement.id") == "cs-input"
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.dataset.csAction") == "drawer":
            break
    else:
        raise AssertionError("the drawer button is not reachable by Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement === document.body || !document.activeElement")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.csAction") == "drawer"
    # Reach a suggested question by Tab, press it with Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('cs-chip')"):
            break
    else:
        raise AssertionError("no suggestion reachable by Tab")
    page.keyboard.press("Enter")
    chat.wait_idle()
    assert page.locator(".cs-msg-bot").count() == 1
    # Type with Shift+Enter for a newline, Enter to send.
    page.focus("#cs-input")
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("line two")
    assert page.input_value("#cs-input") == "line one\nline two"
    page.keyboard.press("Enter")
    chat.wait_idle()
    assert page.locator(".cs-msg-user [data-cs-msg-text]").last.inner_text() == "line one\nline two"
    # Drawer opens and closes from the keyboard; focus returns to its button.
    page.focus('[data-cs-action="drawer"]')
    page.keyboard.press("Enter")
    assert page.locator("[data-cs-drawer]").is_visible()
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.dataset.csAction") == "drawer"


def test_enter_during_ime_composition_does_not_send(chat):
    page = chat.open(DEMO_HOOK).page
    page.fill("#cs-input", "にほんご")
    page.evaluate(
        "() => { const i = document.getElementById('cs-input');"
        " const opts = {key: 'Enter', bubbles: true, cancelable: true};"
        " i.dispatchEvent(new KeyboardEvent('keydown', {...opts, isComposing: true}));"
        " i.dispatchEvent(new KeyboardEvent('keydown', {...opts, keyCode: 229})); }"
    )
    assert page.locator(".cs-msg").count() == 0
    assert page.input_value("#cs-input") == "にほんご"


def test_auto_scroll_stops_when_the_visitor_scrolls_up(chat):
    page = chat.open(DEMO_HOOK).page
    chat.send("/long", wait=False)
    chat.wait_streaming_text(3000)
    page.evaluate(
        "() => { const s = document.querySelector('[data-cs-scroll]');"
        " s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); }"
    )
    # More of the answer renders (or it ends) while the visitor reads above: the view stays put.
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.cs-msg-bot [data-cs-answer]')].pop().textContent.length"
    )
    page.wait_for_function(
        "n => [...document.querySelectorAll('.cs-msg-bot [data-cs-answer]')].pop().textContent.length > n"
        f" || !document.querySelector({STREAMING!r})",
        arg=shown,
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("() => document.querySelector('[data-cs-scroll]').scrollTop") < 50
    jump = page.locator('[data-cs-action="jump"]')
    assert jump.is_visible()
    jump.click()
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-cs-scroll]');"
        " return s.scrollHeight - s.scrollTop - s.clientHeight < 60; }"
    )
    page.keyboard.press("Escape")
    chat.wait_idle()


def test_copy_answer_and_code(chat):
    page = chat.open(DEMO_HOOK).page
    # Headless Chromium has no system clipboard: record what the page writes instead.
    page.evaluate(
        "() => Object.defineProperty(navigator.clipboard, 'writeText', {value: async (t) => { window.__clip = t; }})"
    )
    chat.send("Tell me about lighthouses")
    bot = chat.last_bot()
    bot.locator('[data-cs-action="copy"]').click()
    assert bot.locator('[data-cs-action="copy"]').inner_text() == "Copied"
    clip = page.evaluate("() => window.__clip")
    assert "| " in clip and "```" in clip  # the markdown source
    bot.locator(".cs-code-copy").first.click()
    assert bot.locator(".cs-code-copy").first.inner_text() == "Copied"
    assert page.evaluate("() => window.__clip") == bot.locator(".cs-code pre").first.evaluate("e => e.textContent")


def test_empty_export_says_so_and_messages_read_in_their_own_direction(chat):
    page = chat.open(DEMO_HOOK).page
    english = json.loads((ROOT / "locales" / "en.json").read_text(encoding="utf-8"))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.click('[data-cs-action="export"]')
    # The notice and a download exclude each other (one code path), so the notice is the proof.
    expect(page.locator("[data-cs-notice]")).to_have_text(english["exportEmpty"])
    assert downloads == []
    # Every message element decides its own direction; the send arrow is marked for mirroring.
    chat.send("שלום, what is this?")
    assert page.locator(".cs-msg-user [data-cs-msg-text]").get_attribute("dir") == "auto"
    assert page.locator(".cs-msg-bot [data-cs-answer]").last.get_attribute("dir") == "auto"
    assert page.locator('[data-cs-action="send"] svg').get_attribute("data-cs-mirror") == ""
