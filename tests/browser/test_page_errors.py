"""Every error state of the chat page is visible, localized and retryable; the access code gate."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import ACCESS_CODE, ACCESS_HOOK, DEMO_APP, DEMO_HOOK, HOST_CONFIG
from tests.support.locales import text

pytestmark = pytest.mark.browser

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "talk-api.md"


def contract_codes() -> list[str]:
    """The error codes of the /talk contract (its table in docs/talk-api.md)."""
    text = DOC.read_text(encoding="utf-8")
    codes = re.findall(r"^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|", text, re.M)
    assert len(codes) >= 10, "error table not found in docs/talk-api.md"
    return [c for c, _ in codes]


def error_box(chat):
    return chat.last_bot().locator("[data-cs-error]")


@pytest.mark.parametrize(
    ("command", "code", "text", "partial"),
    [
        ("/error", "completion_request_error", "The AI model could not answer this time. Please retry.", True),
        (
            "/quota",
            "provider_quota_exceeded",
            "The assistant has reached its usage limit. Please try again later.",
            False,
        ),
        ("/broken", "stream_broken", "The answer was cut off. Please retry.", True),
    ],
)
def test_demo_failures_show_a_localized_error_with_retry(chat, command, code, text, partial):
    page = chat.open(DEMO_HOOK).page
    page.evaluate("() => document.addEventListener('chatskins:error', e => window.__err = e.detail)")
    chat.send(command)
    box = error_box(chat)
    assert box.is_visible()
    assert box.get_attribute("role") == "alert"
    assert box.get_attribute("data-cs-code") == code
    assert box.locator("[data-cs-error-text]").inner_text() == text
    assert page.evaluate("() => window.__err") == {"code": code, "message": text}
    assert bool(chat.answers()[-1]) is partial
    # Retry asks again: the failed answer is replaced, the question is not duplicated.
    box.locator('[data-cs-action="retry"]').click()
    chat.wait_idle()
    assert page.locator(".cs-msg-user").count() == 1
    assert page.locator(".cs-msg-bot").count() == 1


def test_stale_conversation_restarts_with_a_divider_that_survives_reload(chat):
    page = chat.open(DEMO_HOOK).page
    chat.send("hello")
    first_id = page.evaluate(f"() => JSON.parse(localStorage['chatskins:{DEMO_HOOK}:conversations'])[0].conversationId")
    chat.send("/stale")
    assert error_box(chat).is_hidden()
    assert "fresh conversation" in chat.answers()[-1]
    second_id = page.evaluate(
        f"() => JSON.parse(localStorage['chatskins:{DEMO_HOOK}:conversations'])[0].conversationId"
    )
    assert second_id and second_id != first_id
    # The transcript says the bot forgot what is above, right above the question that started over.
    divider = page.locator("[data-cs-restarted]")
    assert divider.count() == 1
    assert divider.inner_text() == "Started a new conversation: the assistant no longer remembers the messages above."
    assert divider.evaluate("d => d.nextElementSibling.textContent.includes('/stale')")
    chat.send("and then?")
    assert "message 2 in this conversation" in chat.answers()[-1]
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert page.locator("[data-cs-restarted]").count() == 1
    assert page.locator("[data-cs-restarted]").evaluate("d => d.nextElementSibling.textContent.includes('/stale')")


def test_an_answer_cut_by_the_platform_keeps_the_partial_text(chat, make_host):
    paced = copy.deepcopy(HOST_CONFIG)
    paced["apps"][DEMO_APP]["speed"] = 1
    chat.host = make_host(paced, chat_stream_cut=2.0)
    page = chat.open(DEMO_HOOK, query="?lang=pt-BR").page
    chat.send("/endless")
    box = error_box(chat)
    assert box.get_attribute("data-cs-code") == "answer_cut"
    assert box.locator("[data-cs-error-text]").inner_text() == text("pt-BR", "err.cut")
    assert chat.answers()[-1].startswith("The fog horn")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert chat.answers()[-1].startswith("The fog horn")
    assert error_box(chat).get_attribute("data-cs-code") == "answer_cut"


def test_a_paused_chatflow_is_not_an_empty_answer(chat):
    chat.open(DEMO_HOOK)
    chat.send("/pause")
    box = error_box(chat)
    assert box.get_attribute("data-cs-code") == "app_paused"
    assert "cannot show" in box.locator("[data-cs-error-text]").inner_text()
    assert "approval" in chat.answers()[-1]


def test_network_failure_is_shown_and_retry_recovers(chat):
    page = chat.open(DEMO_HOOK).page
    page.route("**/talk", lambda route: route.abort("internetdisconnected"))
    chat.send("hello")
    assert error_box(chat).get_attribute("data-cs-code") == "network_error"
    assert "Check your connection" in error_box(chat).inner_text()
    page.unroute("**/talk")
    error_box(chat).locator('[data-cs-action="retry"]').click()
    chat.wait_idle()
    assert error_box(chat).is_hidden()
    assert chat.answers()[-1]


def test_every_contract_error_code_has_its_own_localized_message(chat):
    """Each code of docs/talk-api.md, as a refused request and as an `error` frame, shows its text."""
    page = chat.open(DEMO_HOOK, query="?lang=ja").page
    state = {"code": "", "stream": False}

    def fulfil(route):
        code = state["code"]
        body = {"code": code, "message": "upstream says hi", "status": 400}
        if state["stream"]:
            frame = f"data: {json.dumps({'event': 'error', **body})}\n\n"
            route.fulfill(status=200, content_type="text/event-stream", body=": ok\n\n" + frame)
        else:
            route.fulfill(status=400, content_type="application/json", body=json.dumps(body))

    page.route("**/talk", fulfil)
    # Codes the client maps to a voice or feedback text: their strings come only with those features.
    i18n = (REPO_ROOT / "static" / "js" / "i18n.js").read_text(encoding="utf-8")
    other_endpoints = set(re.findall(r'^\s*(\w+): "(?:voice|feedback)\.', i18n, re.M))
    assert "tts_not_configured" in other_endpoints and "feedback_off" in other_endpoints
    seen: dict[str, str] = {}
    for stream in (False, True):
        state["stream"] = stream
        for code in [*contract_codes(), "network_error", "some_future_code"]:
            if code == "unauthorized":
                continue  # opens the access dialog: covered below
            if code in other_endpoints:
                continue  # speak, listen and feedback's own codes: shown by those features, never by /talk
            if code == "limit_reached" and not stream:
                continue  # the composer's limit state, not an error box: tests/browser/test_page_feedback.py
            state["code"] = code
            page.evaluate("() => document.querySelector('[data-cs-action=new]').click()")
            chat.send("q")
            box = error_box(chat)
            assert box.get_attribute("data-cs-code") == code
            text = box.locator("[data-cs-error-text]").inner_text()
            assert text and "upstream says hi" not in text
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), f"{code}: not Japanese: {text}"
            seen[code] = text
    assert seen["some_future_code"] == seen["internal_server_error"] or seen["some_future_code"]
    assert len(set(seen.values())) >= 10  # codes are told apart, not one catch-all message


def test_access_code_gate_unlock_and_reprompt_on_401(chat):
    page = chat.open(ACCESS_HOOK).page
    dialog = page.locator("[data-cs-access]")
    assert dialog.is_visible()
    page.keyboard.press("Escape")  # the gate cannot be dismissed
    assert dialog.is_visible()
    page.fill("[data-cs-access-code]", "wrong")
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_function("() => document.querySelector('[data-cs-access-error]').textContent")
    assert page.locator("[data-cs-access-error]").inner_text() == "That code is not right. Please try again."
    page.fill("[data-cs-access-code]", ACCESS_CODE)
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_selector("[data-cs-access]", state="hidden")
    token = page.evaluate(f"() => JSON.parse(localStorage['chatskins:{ACCESS_HOOK}:token'])")
    assert token["token"]
    sent: list[str | None] = []
    page.on("request", lambda r: r.url.endswith("/talk") and sent.append(r.headers.get("authorization")))
    chat.send("hello")
    assert sent == [f"Bearer {token['token']}"]
    assert chat.answers()[-1]
    # A token the server no longer accepts: 401 -> ask again -> the question is retried.
    page.evaluate(f"() => localStorage.setItem('chatskins:{ACCESS_HOOK}:token', JSON.stringify({{token: 'forged'}}))")
    chat.send("second")
    assert dialog.is_visible()
    assert error_box(chat).get_attribute("data-cs-code") == "unauthorized"
    page.fill("[data-cs-access-code]", ACCESS_CODE)
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_selector("[data-cs-access]", state="hidden")
    chat.wait_idle()
    assert error_box(chat).is_hidden()
    assert page.locator(".cs-msg-user").count() == 2
    assert "message 2 in this conversation" in chat.answers()[-1]


def test_storage_unavailable_keeps_the_conversation_with_a_notice(browser, host):
    from tests.support.chat_page import Chat, new_context

    ctx = new_context(browser)
    # Storage that throws, as in some private modes or with storage blocked.
    ctx.add_init_script(
        "Object.defineProperty(window, 'localStorage',"
        " {get() { throw new DOMException('blocked', 'SecurityError'); }});"
    )
    try:
        chat = Chat(ctx.new_page(), host).open(DEMO_HOOK)
        notice = chat.page.locator("[data-cs-notice]")
        assert notice.is_visible()
        assert "storage is unavailable" in notice.inner_text()
        chat.send("hello")
        chat.send("again")
        assert chat.page.locator(".cs-msg").count() == 4
    finally:
        ctx.close()


def test_storage_full_switches_to_memory_without_losing_the_screen(browser, host):
    from tests.support.chat_page import Chat, new_context

    ctx = new_context(browser)
    ctx.add_init_script(
        "{ const real = Storage.prototype.setItem; let n = 0;"
        " Storage.prototype.setItem = function (k, v) { if (String(k).includes(':conv:') && ++n > 1)"
        " throw new DOMException('full', 'QuotaExceededError'); return real.call(this, k, v); }; }"
    )
    try:
        chat = Chat(ctx.new_page(), host).open(DEMO_HOOK)
        chat.send("hello")
        notice = chat.page.locator("[data-cs-notice]")
        assert notice.is_visible() and "storage is full" in notice.inner_text()
        chat.send("again")
        assert chat.page.locator(".cs-msg").count() == 4
        assert all(chat.answers())
    finally:
        ctx.close()
