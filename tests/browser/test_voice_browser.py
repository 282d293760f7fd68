"""Voice in Chromium with a fake microphone: recording fills the message box, the speaker plays the
model's audio, every state is visible and announced (through the local host and the real SDK runtime)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from localdify import Host
from tests.support.chat_page import Chat, new_context, track_errors
from tests.support.chromium import CHROMIUM_ARGS, chromium_path
from tests.support.embed_site import bubble_btn, chat_frame
from tests.support.fixtures import REPO_ROOT
from tests.support.tabs import Tabs
from tests.support.voice import (
    VOICE_AUTO_HOOK,
    VOICE_BROKEN_HOOK,
    VOICE_BROWSER_HOOK,
    VOICE_CONFIG,
    VOICE_HOOK,
    VOICE_NONE_HOOK,
)

pytestmark = pytest.mark.browser

# A fake device that plays a tone as the microphone (the permission itself is granted per context), and
# the autoplay rule of a desktop browser: sound only after the visitor interacted with the page.
FAKE_MIC = ["--use-fake-device-for-media-stream", "--autoplay-policy=document-user-activation-required"]
TRANSCRIPT = "Hello! How do I return an item I bought last week?"


@pytest.fixture(scope="module")
def voice_host():
    with Host(VOICE_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture(scope="module")
def voice_browser(playwright_driver):
    b = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + FAKE_MIC, headless=True)
    yield b
    b.close()


@pytest.fixture(scope="module")
def voice_tabs(voice_browser):
    shared = Tabs(voice_browser)
    yield shared
    shared.close()


@pytest.fixture
def pages(voice_tabs, voice_host):
    """Opens voice pages in tabs of a shared context (the real CSP), with the microphone allowed or not."""
    shared = voice_tabs.context(bypass_csp=False)
    opened = []
    granted = []

    def make(hook=VOICE_HOOK, *, microphone=True, path="/minimal", query=""):
        # Permissions belong to the context: one test, one answer to the microphone question.
        assert granted in ([], [microphone]), "a test opens its voice pages with or without the microphone"
        granted[:] = [microphone]
        if microphone:
            shared.context.grant_permissions(["microphone"], origin=voice_host.base_url)
        page = shared.context.new_page()
        page.set_viewport_size({"width": 1000, "height": 760})
        track_errors(page)
        opened.append(page)
        response = page.goto(voice_host.url(hook, path) + query)
        assert response is not None and response.status == 200
        page.wait_for_selector("html[data-ready]")
        return page

    try:
        yield make
        errors = [e for page in opened for e in page.js_errors]
    finally:
        shared.wipe()
    assert errors == [], errors


def voice_ready(page):
    page.wait_for_selector("#cs-app[data-cs-voice='ready']")


def note(page):
    return page.locator("[data-cs-voice-note]")


def record(page, seconds=1.2):
    mic = page.locator(".cs-mic")
    mic.click()
    page.wait_for_selector(".cs-mic[aria-pressed='true']")
    assert page.locator(".cs-voice-status").is_visible()
    assert note(page).get_attribute("data-key") == "voice.recording"
    page.wait_for_timeout(seconds * 1000)  # the fake microphone needs time to produce audio


def test_recording_fills_the_message_box(pages, voice_host):
    page = pages()
    voice_ready(page)
    mic = page.locator(".cs-mic")
    assert mic.get_attribute("aria-label") == "Speak your message"
    assert mic.get_attribute("aria-pressed") == "false"
    page.fill("#cs-input", "About my order:")
    before = len(voice_host.model_calls)
    record(page)
    # The level meter moves with the fake microphone's tone; the timer counts.
    page.wait_for_function(
        "() => parseFloat(document.querySelector('.cs-voice-bar').style.getPropertyValue('--cs-voice-level')) > 0"
    )
    page.wait_for_function("() => document.querySelector('.cs-voice-time').textContent !== '0:00'")
    mic.click()
    page.wait_for_function("t => document.querySelector('#cs-input').value.endsWith(t)", arg=TRANSCRIPT)
    assert page.input_value("#cs-input") == f"About my order: {TRANSCRIPT}"
    assert mic.get_attribute("aria-pressed") == "false"
    assert note(page).get_attribute("data-key") == "voice.ready"
    assert page.evaluate("() => document.activeElement.id") == "cs-input"
    (call,) = voice_host.model_calls[before:]
    assert call["type"] == "speech2text" and call["model"] == "demo-stt"
    # A real recording from MediaRecorder: a WebM file, well under the limit.
    assert call["file"][:4] == b"\x1a\x45\xdf\xa3" and 1000 < len(call["file"]) < 2 * 1024 * 1024
    # Nothing was sent: the visitor edits and sends.
    assert page.locator(".cs-msg-user").count() == 0


def test_enter_stops_and_escape_cancels(pages, voice_host):
    page = pages()
    voice_ready(page)
    record(page, 0.8)
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelector('[data-cs-voice-note]').dataset.key === 'voice.cancelled'")
    assert page.input_value("#cs-input") == ""
    before = len(voice_host.model_calls)
    page.locator("#cs-input").focus()
    record(page, 0.8)
    page.locator("#cs-input").press("Enter")
    page.wait_for_function("t => document.querySelector('#cs-input').value === t", arg=TRANSCRIPT)
    assert len(voice_host.model_calls) == before + 1
    # Enter stopped the recording; it did not send a message.
    assert page.locator(".cs-msg-user").count() == 0


def test_denied_microphone_has_its_state(pages):
    page = pages(microphone=False)
    voice_ready(page)
    page.locator(".cs-mic").click()
    page.wait_for_function("() => document.querySelector('[data-cs-voice-note]').dataset.key === 'voice.denied'")
    assert note(page).get_attribute("role") == "status"
    assert note(page).get_attribute("data-kind") == "error"
    assert "blocked" in note(page).inner_text()
    assert page.locator(".cs-mic").get_attribute("aria-pressed") == "false"


def test_transcription_error_has_its_state(pages):
    page = pages(VOICE_BROKEN_HOOK)
    voice_ready(page)
    record(page, 0.8)
    page.locator(".cs-mic").click()
    page.wait_for_function("() => document.querySelector('[data-cs-voice-note]').dataset.key === 'voice.failed'")
    assert page.input_value("#cs-input") == ""


def test_speaker_plays_the_answer(pages, voice_host):
    page = pages()
    voice_ready(page)
    page.fill("#cs-input", "Tell me about lighthouses")
    page.press("#cs-input", "Enter")
    page.wait_for_function("() => !document.querySelector('#cs-app.cs-streaming')")
    speak = page.locator(".cs-msg-bot .cs-speak").last
    speak.wait_for()
    assert speak.inner_text() == "Read aloud" and speak.get_attribute("aria-pressed") == "false"
    before = len(voice_host.model_calls)
    speak.click()
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-cs-voice-audio]'); return a && a.played.length > 0"
        " && a.currentTime > 0; }"
    )
    assert speak.get_attribute("aria-pressed") == "true"
    call = voice_host.model_calls[before]
    assert call["type"] == "tts" and call["voice"] == "nova"
    # Plain words went to the model: no Markdown, no URLs.
    assert "**" not in call["content_text"] and "http" not in call["content_text"] and "|" not in call["content_text"]
    assert "lighthouse" in call["content_text"].lower()
    speak.click()  # a second press stops
    page.wait_for_function("() => document.querySelector('[data-cs-voice-audio]').paused")
    assert speak.get_attribute("aria-pressed") == "false"


def test_auto_reads_each_completed_answer(pages, voice_host):
    page = pages(VOICE_AUTO_HOOK)
    voice_ready(page)
    before = len(voice_host.model_calls)
    page.fill("#cs-input", "hello")
    page.press("#cs-input", "Enter")
    page.wait_for_function("() => document.querySelector('[data-cs-voice-audio]')?.played.length > 0")
    assert [c["type"] for c in voice_host.model_calls[before:]] == ["tts"]
    assert page.locator(".cs-msg-bot .cs-speak").last.get_attribute("aria-pressed") == "true"


# Runs in the page: sends a message once voice is live, then reports what happened to the automatic
# reading. Nothing from the test touches the page meanwhile: Playwright's evaluations count as a user
# gesture, and a gesture would allow autoplay.
SEND_ALONE = """
addEventListener("load", () => {
  const t = setInterval(() => {
    if (document.getElementById("cs-app")?.dataset.csVoice !== "ready") return;
    clearInterval(t);
    document.addEventListener("chatskins:answer", () => {
      // The reading starts at once (pressed); report when it is over, played or refused.
      const speak = document.querySelector(".cs-speak");
      const pressedAtOnce = speak.getAttribute("aria-pressed");
      const done = setInterval(() => {
        if (speak.getAttribute("aria-pressed") !== "false") return;
        clearInterval(done);
        console.log("voice-outcome " + JSON.stringify({
          activated: navigator.userActivation.hasBeenActive,
          pressedAtOnce,
          played: document.querySelector("[data-cs-voice-audio]").played.length,
          note: document.querySelector("[data-cs-voice-note]").dataset.key || null,
        }));
      }, 50);
    });
    document.dispatchEvent(new CustomEvent("chatskins:command", {detail: {action: "send", text: "hello"}}));
  }, 20);
});
"""


def test_auto_falls_back_to_the_button_where_autoplay_is_refused(voice_browser, voice_host):
    ctx = voice_browser.new_context(viewport={"width": 1000, "height": 760}, locale="en-US")
    page = ctx.new_page()
    page.add_init_script(SEND_ALONE)
    before = len(voice_host.model_calls)
    with page.expect_console_message(lambda m: m.text.startswith("voice-outcome "), timeout=30_000) as message:
        page.goto(voice_host.url(VOICE_AUTO_HOOK, "/minimal"))
    outcome = json.loads(message.value.text.removeprefix("voice-outcome "))
    # The audio was fetched; the browser refused to play it; nothing is reported, the button stays.
    assert outcome == {"activated": False, "pressedAtOnce": "true", "played": 0, "note": None}
    assert [c["type"] for c in voice_host.model_calls[before:]] == ["tts"]
    speak = page.locator(".cs-msg-bot .cs-speak").last
    speak.click()
    page.wait_for_function("() => document.querySelector('[data-cs-voice-audio]').played.length > 0")
    ctx.close()


def test_without_models_there_are_no_voice_controls(pages):
    page = pages(VOICE_NONE_HOOK)
    page.fill("#cs-input", "hello")
    page.press("#cs-input", "Enter")
    page.wait_for_function("() => !document.querySelector('#cs-app.cs-streaming')")
    assert page.locator(".cs-mic, .cs-speak, [data-cs-voice-audio]").count() == 0


def test_browser_voice_without_a_tts_model(pages):
    page = pages(VOICE_BROWSER_HOOK)
    voice_ready(page)
    assert page.locator(".cs-mic").count() == 0
    page.evaluate(
        "() => { window.__spoken = []; speechSynthesis.speak = u => { window.__spoken.push([u.text, u.lang]);"
        " setTimeout(() => u.onend && u.onend(), 10); }; }"
    )
    page.fill("#cs-input", "Tell me about lighthouses")
    page.press("#cs-input", "Enter")
    page.wait_for_function("() => !document.querySelector('#cs-app.cs-streaming')")
    page.wait_for_function("() => window.__spoken.length > 0")
    spoken = page.evaluate("() => window.__spoken")
    assert all(lang == "en" for _, lang in spoken)
    words = " ".join(text for text, _ in spoken)
    assert "lighthouse" in words.lower() and "```" not in words


@pytest.fixture
def site_page(voice_browser, voice_host, site):
    ctx = voice_browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    for origin in (voice_host.base_url, site.origin):
        ctx.grant_permissions(["microphone"], origin=origin)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    ctx.close()
    assert errors == [], errors


def test_the_bubble_delegates_the_microphone_to_its_frame(site_page, voice_host, site):
    url = site.page("voice-bubble", [(voice_host.url(VOICE_HOOK, "/embed.js"), {"prefetch": "false"})])
    site_page.goto(url)
    bubble_btn(site_page).click()
    assert site_page.locator("chat-skins iframe").get_attribute("allow") == "clipboard-write; microphone; autoplay"
    frame = chat_frame(site_page)
    frame.locator("#cs-app[data-cs-voice='ready']").wait_for()
    frame.locator(".cs-mic").click()
    frame.locator(".cs-mic[aria-pressed='true']").wait_for()
    site_page.wait_for_timeout(800)  # the fake microphone needs time to produce audio
    frame.locator(".cs-mic").click()
    expect(frame.locator("#cs-input")).to_have_value(TRANSCRIPT, timeout=20_000)


def test_a_frame_without_the_microphone_keeps_chatting(site_page, voice_host, site):
    # A host page that frames the chat without delegating the microphone (no `allow`).
    site.pages["/voice-plain"] = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain</title></head><body>'
        f'<iframe src="{voice_host.url(VOICE_HOOK, "/minimal")}" title="Chat" width="900" height="700"></iframe>'
        "</body></html>"
    )
    site_page.goto(site.origin + "/voice-plain")
    frame = site_page.frame_locator("iframe")
    frame.locator("#cs-app[data-cs-voice='ready']").wait_for()
    frame.locator(".cs-mic").click()
    expect(frame.locator("[data-cs-voice-note]")).to_have_attribute("data-key", "voice.denied")
    frame.locator("#cs-input").fill("hello")
    frame.locator("#cs-input").press("Enter")
    expect(frame.locator(".cs-msg-bot .cs-speak")).to_have_count(1, timeout=20_000)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_voice_controls_pass_axe_while_recording_and_reading(voice_browser, voice_host, theme):
    # axe is injected as a script: only this check bypasses the CSP (tested in test_voice_host and test_security).
    ctx = new_context(voice_browser, reduced_motion="reduce")
    ctx.grant_permissions(["microphone"], origin=voice_host.base_url)
    chat = Chat(ctx.new_page(), voice_host).open(VOICE_HOOK, query=f"?theme={theme}")
    page = chat.page
    voice_ready(page)
    chat.send("hello")
    page.locator(".cs-msg-bot .cs-speak").last.click()
    page.wait_for_selector(".cs-speak[aria-pressed='true']")
    record(page, 0.5)
    assert chat.axe() == []
    page.locator(".cs-mic").click()
    expect(page.locator("#cs-input")).to_have_value(TRANSCRIPT)
    assert chat.axe() == []
    ctx.close()
