"""Operator settings (issue 15) in Chromium through the local host: custom CSS under the unchanged CSP,
the logo, message times, prefill from the link (both forms, send once), conversation memory modes."""

from __future__ import annotations

import base64
import gzip
import json
import struct
import zlib
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from localdify import Host
from tests.support.embed_site import bubble_btn, chat_frame, wait_event
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import OP_CONFIG, OP_LOGO, OP_NONE_HOOK, OP_PLAIN_HOOK, OP_STYLED_HOOK, OP_TAB_HOOK

pytestmark = pytest.mark.browser

RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def png(width: int = 96, height: int = 32, rgb: tuple[int, int, int] = (15, 118, 110)) -> bytes:
    """A solid PNG, made here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def op_host():
    with Host(OP_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture
def ctx(browser):
    """A context with the real CSP (not bypassed) and the logo's https host answered locally."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    context.route(f"{OP_LOGO}*", lambda route: route.fulfill(status=200, content_type="image/png", body=png()))
    context.add_init_script(RECORDER)
    yield context
    context.close()


def open_page(context, url: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    response = page.goto(url)
    assert response is not None and response.status == 200
    page.wait_for_selector("html[data-ready]")
    return page


def send(page, text: str) -> None:
    page.fill("#cs-input", text)
    page.press("#cs-input", "Enter")
    wait_idle(page)


def wait_idle(page, answers: int = 1) -> None:
    page.wait_for_function(
        "n => !document.querySelector('#cs-app.cs-streaming')"
        " && document.querySelectorAll('.cs-msg-bot [data-cs-answer]').length >= n"
        " && [...document.querySelectorAll('.cs-msg-bot')].every(li => li.getAttribute('aria-busy') === 'false')",
        arg=answers,
    )


@pytest.mark.parametrize(("skin", "theme"), [("minimal", "light"), ("terminal", "dark")])
def test_custom_css_overrides_tokens_and_rules_under_the_unchanged_csp(ctx, op_host, skin, theme):
    # The real CSP applies (the context does not bypass it); its header is checked in test_operators_host.py.
    page = open_page(ctx, op_host.url(OP_STYLED_HOOK, f"/{skin}") + f"?theme={theme}")
    accent = page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--cs-accent').trim()")
    assert accent == "#0f766e"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cs-title')).letterSpacing") == "3px"
    send(page, "hello")
    user_bg = page.evaluate("() => getComputedStyle(document.querySelector('.cs-msg-user .cs-bubble')).backgroundColor")
    assert user_bg == "rgb(1, 2, 3)"
    sheets = page.evaluate("() => [...document.styleSheets].map(s => s.href && new URL(s.href).pathname)")
    assert sheets[-1].endswith(f"/e/{OP_STYLED_HOOK}/operator.css"), sheets
    assert page.evaluate("() => window.__violations") == []
    assert page.js_errors == []


def test_without_custom_css_the_skin_is_untouched(ctx, op_host):
    page = open_page(ctx, op_host.url(OP_PLAIN_HOOK, "/minimal"))
    assert page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--cs-accent').trim()") != (
        "#0f766e"
    )
    assert page.locator("link[data-cs-custom-css]").count() == 0


def test_logo_shows_in_the_header_and_a_broken_one_leaves_the_name(ctx, op_host, browser):
    page = open_page(ctx, op_host.url(OP_STYLED_HOOK, "/minimal"))
    page.wait_for_function("() => document.querySelector('[data-cs-logo] img')?.naturalWidth > 0")
    box = page.locator("[data-cs-logo] img").bounding_box()
    assert box and round(box["height"]) == 32
    assert page.locator("header [data-cs-avatar]").count() == 0
    assert page.evaluate("() => window.__violations") == []
    broken = browser.new_context()
    broken.route(f"{OP_LOGO}*", lambda route: route.fulfill(status=404, body=b""))
    page = open_page(broken, op_host.url(OP_STYLED_HOOK, "/minimal"))
    page.wait_for_function("() => !document.querySelector('[data-cs-logo]')")
    assert page.locator("[data-cs-title]").first.inner_text() == "Brand Bot"
    broken.close()


def test_every_message_carries_its_time_in_the_visitors_zone_and_language(browser, op_host):
    context = browser.new_context(locale="de-DE", timezone_id="Asia/Tokyo")
    page = open_page(context, op_host.url(OP_STYLED_HOOK, "/minimal") + "?lang=de")
    send(page, "hello")
    times = page.locator(".cs-msg [data-cs-time]")
    assert times.count() == 2
    for i in range(2):
        t = times.nth(i)
        assert t.is_visible()
        iso = t.get_attribute("datetime")
        assert iso and iso.endswith("Z")
        expected = page.evaluate(
            "iso => new Intl.DateTimeFormat('de', {timeStyle: 'short', timeZone: 'Asia/Tokyo'}).format(new Date(iso))",
            iso,
        )
        assert t.inner_text() == expected
    # The stored messages keep their times: the same ones after a reload.
    before = [times.nth(i).get_attribute("datetime") for i in range(2)]
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert [times.nth(i).get_attribute("datetime") for i in range(2)] == before
    context.close()


def test_timestamps_off_shows_none(ctx, op_host):
    page = open_page(ctx, op_host.url(OP_PLAIN_HOOK, "/minimal"))
    send(page, "hello")
    assert page.locator(".cs-msg [data-cs-time]:not([hidden])").count() == 0


def dify(text: str) -> str:
    return base64.b64encode(gzip.compress(text.encode("utf-8"))).decode("ascii")


def test_prefill_fills_the_box_and_the_form_from_both_url_forms(ctx, op_host):
    query = urlencode({"q": "What about lighthouses?", "inputs.name": "Ada", "tone": dify("Brief")})
    page = open_page(ctx, op_host.url(OP_PLAIN_HOOK, "/minimal") + "?" + query)
    # The prefill is a lazy chunk: it applies just after the page is ready.
    page.wait_for_function("() => document.querySelector('#cs-input').value === 'What about lighthouses?'")
    assert page.input_value("[name=name]") == "Ada"
    assert page.input_value("[name=tone]") == "Brief"
    assert page.locator(".cs-msg").count() == 0, "without send=1 nothing is sent"
    # The prefill leaves the address bar (a reload starts from the plain page).
    assert page.evaluate("() => location.search") == ""
    page.press("#cs-input", "Enter")
    wait_idle(page)
    answer = page.locator(".cs-msg-bot [data-cs-answer]").last.inner_text()
    assert answer.startswith("Hi Ada! Short answer"), answer


def test_send_1_sends_once_and_not_again_on_reload(ctx, op_host):
    calls = len(op_host.app_calls)
    url = op_host.url(OP_PLAIN_HOOK, "/minimal") + "?" + urlencode({"q": "Sent from a link", "send": "1"})
    page = open_page(ctx, url)
    wait_idle(page)
    assert page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts() == ["Sent from a link"]
    assert len(op_host.app_calls) == calls + 1
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert page.locator(".cs-msg-user").count() == 1
    # The same link opened again in this tab (as a host page reloading an embedded chat does): not again.
    page.goto(url)
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function("() => document.querySelector('#cs-input').value === 'Sent from a link'")
    assert page.locator(".cs-msg-user").count() == 1
    assert len(op_host.app_calls) == calls + 1
    assert page.js_errors == []


def test_hostile_prefill_stays_text(ctx, op_host):
    hostile = "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>"
    page = open_page(ctx, op_host.url(OP_PLAIN_HOOK, "/minimal") + "?" + urlencode({"q": hostile, "send": "1"}))
    wait_idle(page)
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == hostile
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => window.__violations") == []


def conversations(page, note: str | None = None) -> int:
    """How many conversations the drawer lists; checks its memory note (`note`: a catalogue key, or none)."""
    page.click('[data-cs-action="drawer"]')
    count = page.locator("[data-cs-conv]").count()
    if note is None:
        assert page.locator("[data-cs-memory]").count() == 0
    else:
        assert page.locator("[data-cs-memory]").inner_text() == english()[note]
    page.keyboard.press("Escape")
    return count


def english() -> dict:
    return json.loads((REPO_ROOT / "locales" / "en.json").read_text(encoding="utf-8"))


def test_memory_browser_keeps_conversations_across_tabs(ctx, op_host):
    page = open_page(ctx, op_host.url(OP_STYLED_HOOK, "/minimal"))
    send(page, "remember me")
    other = open_page(ctx, op_host.url(OP_STYLED_HOOK, "/minimal"))
    assert other.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts() == ["remember me"]
    assert conversations(other) == 1


def test_memory_tab_survives_a_reload_but_not_a_new_tab(ctx, op_host):
    page = open_page(ctx, op_host.url(OP_TAB_HOOK, "/minimal"))
    send(page, "only in this tab")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts() == ["only in this tab"]
    assert conversations(page, "memoryTab") == 1
    assert not any(
        k.startswith(f"chatskins:{OP_TAB_HOOK}:conv") for k in page.evaluate("() => Object.keys(localStorage)")
    )
    other = open_page(ctx, op_host.url(OP_TAB_HOOK, "/minimal"))
    assert other.locator(".cs-msg").count() == 0
    assert conversations(other, "memoryTab") == 0


def test_memory_none_stores_no_transcript_and_every_visit_starts_fresh(ctx, op_host):
    page = open_page(ctx, op_host.url(OP_NONE_HOOK, "/minimal"))
    send(page, "forget me")
    assert conversations(page, "memoryNone") == 1, "this visit's conversation is listed while the page is open"
    stored = page.evaluate("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].join(' ')")
    assert "forget me" not in page.evaluate(
        "() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})"
    )
    assert f"chatskins:{OP_NONE_HOOK}:conv" not in stored
    # Export still works on what is on screen.
    with page.expect_download() as download:
        page.click('[data-cs-action="export"]')
    assert "forget me" in open(download.value.path(), encoding="utf-8").read()
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert page.locator(".cs-msg").count() == 0
    assert conversations(page, "memoryNone") == 0


def test_the_embed_passes_its_question_and_sends_it_once(page, op_host, site):
    attrs = {"prefetch": "false", "q": "Asked from the host page", "send": "true"}
    page.goto(site.page("op-prefill", [(op_host.url(OP_PLAIN_HOOK, "/embed.js"), attrs)]))
    bubble_btn(page).wait_for()
    calls = len(op_host.app_calls)
    page.evaluate("ChatSkins.open()")
    wait_event(page, "answer")
    frame = chat_frame(page)
    assert frame.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts() == ["Asked from the host page"]
    assert len(op_host.app_calls) == calls + 1
    # The host page reloads: the chat opens on the same conversation and does not ask again.
    page.reload()
    bubble_btn(page).wait_for()
    page.evaluate("ChatSkins.open()")
    wait_event(page, "ready")
    frame = chat_frame(page)
    # The question waits in the box (filled by the prefill chunk), sent only once.
    expect(frame.locator("#cs-input")).to_have_value("Asked from the host page")
    assert frame.locator(".cs-msg-user").count() == 1
    assert len(op_host.app_calls) == calls + 1
