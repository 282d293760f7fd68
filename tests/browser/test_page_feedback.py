"""Feedback and the daily limit in Chromium: thumbs, the reason field, the event on an embedding page, the
export, and the "come back tomorrow" state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from localdify import Host
from tests.support.embed_site import bubble_btn, chat_frame, wait_event
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import FEEDBACK_CONFIG, FEEDBACK_HOOK, FEEDBACK_KEY, LIMIT, LIMIT_HOOK
from tests.support.host_client import request
from tests.support.locales import catalogue

pytestmark = pytest.mark.browser
EN = catalogue("en")


@pytest.fixture(scope="module")
def host():
    """This module's own host: feedback endpoints, and a daily limit it may use up."""
    with Host(FEEDBACK_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


def record(page) -> None:
    page.evaluate(
        "() => { window.__fb = []; document.addEventListener('chatskins:feedback', e => window.__fb.push(e.detail)); }"
    )


def exported(host) -> list[dict]:
    reply = request(
        host.url(FEEDBACK_HOOK, "/feedback?format=json"), headers={"Authorization": f"Bearer {FEEDBACK_KEY}"}
    )
    assert reply.status == 200, reply.body
    return reply.json()["votes"]


def test_vote_up_then_down_with_a_reason_then_the_export(chat):
    page = chat.open(FEEDBACK_HOOK).page
    record(page)
    chat.send("What can you show me?")
    answer = chat.last_bot()
    up, down = answer.locator(".cs-fb-up"), answer.locator(".cs-fb-down")
    expect(up).to_be_visible()
    assert up.get_attribute("aria-pressed") == down.get_attribute("aria-pressed") == "false"
    assert up.get_attribute("type") == "button"
    # The thumbs are named for screen readers (the words are visually hidden).
    assert up.text_content() == EN["feedback.up"] and down.text_content() == EN["feedback.down"]
    assert answer.locator(".cs-fb").get_attribute("aria-label") == EN["feedback.label"]

    # Keyboard: focus the thumb and press Enter.
    up.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__fb.length === 1")
    expect(up).to_have_attribute("aria-pressed", "true")
    detail = page.evaluate("() => window.__fb[0]")
    assert detail["vote"] == "up" and detail["reason"] == ""
    message_id = detail["messageId"]
    assert message_id and detail["conversationId"]

    # Down: stored at once, then the reason field takes focus; Enter sends the reason.
    down.click()
    field = answer.locator(".cs-fb-field")
    expect(field).to_be_focused()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    field.fill("Too long for me")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__fb.some(d => d.reason === 'Too long for me')")
    expect(field).to_be_hidden()
    expect(down).to_be_focused()
    expect(answer.locator(".cs-fb-status")).to_have_text(EN["feedback.thanks"])

    mine = [v for v in exported(chat.host) if v["message_id"] == message_id]
    assert len(mine) == 1
    assert mine[0]["vote"] == "down" and mine[0]["reason"] == "Too long for me"
    assert mine[0]["question"] == "What can you show me?" and mine[0]["answer"]

    # The vote is remembered with the conversation.
    page.reload()
    page.wait_for_selector("html[data-ready]")
    expect(chat.last_bot().locator(".cs-fb-down")).to_have_attribute("aria-pressed", "true")


def test_escape_skips_the_reason_and_keeps_the_vote(chat):
    page = chat.open(FEEDBACK_HOOK).page
    record(page)
    chat.send("/help")
    answer = chat.last_bot()
    answer.locator(".cs-fb-down").click()
    field = answer.locator(".cs-fb-field")
    expect(field).to_be_focused()
    page.keyboard.press("Escape")
    expect(field).to_be_hidden()
    expect(answer.locator(".cs-fb-down")).to_be_focused()
    page.wait_for_function("() => window.__fb.length === 1")
    message_id = page.evaluate("() => window.__fb[0].messageId")
    mine = [v for v in exported(chat.host) if v["message_id"] == message_id]
    assert mine and mine[0]["vote"] == "down" and mine[0]["reason"] == ""


def test_the_feedback_event_reaches_the_embedding_page(page, host, site):
    page.goto(site.page("feedback", [(host.url(FEEDBACK_HOOK, "/embed.js"), {"prefetch": "false"})]))
    bubble_btn(page).wait_for()
    page.evaluate("ChatSkins.send('What can you show me?')")
    wait_event(page, "answer")
    frame = chat_frame(page)
    frame.locator(".cs-msg-bot .cs-fb-up").last.click()
    wait_event(page, "feedback")
    event = next(e for e in page.evaluate("window.events") if e["name"] == "feedback")
    answer = next(e for e in page.evaluate("window.events") if e["name"] == "answer")
    assert event["vote"] == "up" and event["bubble"] == FEEDBACK_HOOK
    assert event["messageId"] == answer["messageId"]
    assert any(v["message_id"] == answer["messageId"] for v in exported(host))
    assert not page.js_errors


def test_the_daily_limit_keeps_the_message_and_says_come_back_tomorrow(chat):
    page = chat.open(LIMIT_HOOK).page
    calls = len(chat.host.app_calls)
    for i in range(LIMIT):
        chat.send(f"message {i}")
    assert len(chat.host.app_calls) == calls + LIMIT
    assert page.locator(".cs-fb").count() == 0  # feedback is off on this endpoint
    page.evaluate(
        "() => { window.__err = []; document.addEventListener('chatskins:error', e => window.__err.push(e.detail)); }"
    )
    chat.send("one more, please")
    # The composer explains: its hint (which describes the box) turns into the limit state.
    hint = page.locator("#cs-hint")
    expect(hint).to_have_text(EN["err.limit_reached"])
    assert hint.get_attribute("data-cs-limit") == ""
    assert page.locator("#cs-input").get_attribute("aria-describedby") == "cs-hint"
    # Not lost: the message waits in the box, and the composer is still usable.
    expect(page.locator("#cs-input")).to_have_value("one more, please")
    expect(page.locator("#cs-input")).to_be_enabled()
    expect(page.locator("#cs-input")).to_be_focused()
    assert page.locator(".cs-msg-user").count() == LIMIT
    assert page.locator(".cs-msg-bot [data-cs-error]:visible").count() == 0
    assert page.evaluate("() => window.__err.map(e => e.code)") == ["limit_reached"]
    assert len(chat.host.app_calls) == calls + LIMIT


def test_a_vote_that_cannot_be_stored_is_undone_and_said(chat):
    page = chat.open(FEEDBACK_HOOK).page
    record(page)
    chat.send("/help")
    # Storage full: the server answers 503 feedback_unavailable (played here by the browser's router).
    body = '{"code": "feedback_unavailable", "message": "Feedback cannot be stored right now.", "status": 503}'
    page.route("**/feedback", lambda route: route.fulfill(status=503, content_type="application/json", body=body))
    answer = chat.last_bot()
    answer.locator(".cs-fb-up").click()
    expect(answer.locator(".cs-fb-status")).to_have_text(EN["feedback.failed"])
    expect(answer.locator(".cs-fb-up")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => window.__fb") == []
