"""Hostile markdown and HTML in answers and citations never execute or reach the DOM as markup.

These tests bypass the page's CSP (see tests/browser/conftest.py) on purpose: the client must be safe
on its own; the CSP is a second wall, tested in tests/browser/test_security_browser.py."""

from __future__ import annotations

import json

import pytest

from tests.support.chat_page import Chat, new_context, settle
from tests.support.hooks import DEMO_HOOK
from tests.support.page_html import patch_config

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=2</script>",
    "<svg onload=window.__pwned=3></svg>",
    '<a href="javascript:window.__pwned=4">click me</a>',
    "[click me](javascript:window.__pwned=5)",
    "[data](data:text/html,<script>parent.__pwned=6</script>)",
    '![x](x" onerror="window.__pwned=7)',
    '<iframe src="javascript:parent.__pwned=8"></iframe>',
    "<form><button formaction=javascript:window.__pwned=9>go</button></form>",
    '<div style="background:url(javascript:window.__pwned=10)" onclick="window.__pwned=11">x</div>',
    "<details open ontoggle=window.__pwned=12>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=13>",
    '<a id="cs-input" name="config">clobber</a>',
    "<<img src=x onerror=window.__pwned=14>/>",
]

HOSTILE_ANSWER = "\n\n".join(PAYLOADS) + "\n\n```html\n<script>window.__pwned=99</script>\n```\n"


def frames(answer: str, citation: str) -> str:
    events = [
        {"event": "message", "answer": answer[: len(answer) // 2], "conversation_id": "c1", "message_id": "m1"},
        {"event": "message", "answer": answer[len(answer) // 2 :]},
        {
            "event": "message_end",
            "metadata": {
                "retriever_resources": [
                    {"position": 1, "dataset_name": citation, "document_name": citation, "content": citation}
                ]
            },
        },
    ]
    return ": ok\n\n" + "".join(f"data: {json.dumps(e)}\n\n" for e in events)


def assert_inert(page) -> None:
    settle(page)
    assert page.evaluate("() => window.__pwned") is None
    # The only forms are the page's own answer forms (issue 13): no action, method, target or name,
    # and ids only of the page's making (cs-af<n>-<i>, tying labels to fields).
    bad = page.evaluate(
        "() => [...document.querySelectorAll('.cs-log *')].filter(e => e.tagName === 'SCRIPT' || e.tagName === 'IFRAME'"
        " || e.tagName === 'svg' || (e.tagName === 'FORM' && (e.className !== 'cs-answer-form'"
        " || ['action', 'method', 'target'].some(n => e.hasAttribute(n))))"
        " || [...e.attributes].some(a => /^on|^style$|^name$|^form/i.test(a.name)"
        " || (a.name === 'id' && !/^cs-af\\d+-\\d+$/.test(a.value))"
        " || /javascript:|data:/i.test(a.value))).map(e => e.outerHTML.slice(0, 120))"
    )
    assert bad == []


def test_hostile_answer_and_citation_never_execute(chat):
    page = chat.open(DEMO_HOOK).page
    body = frames(HOSTILE_ANSWER, "<img src=x onerror=window.__pwned=50>")
    page.route("**/talk", lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body))
    chat.send("hello")
    bot = chat.last_bot()
    assert_inert(page)
    # Raw HTML outside the answer dialect is shown as text, not dropped silently; links keep only safe schemes.
    assert "<script>window.__pwned=2</script>" in bot.locator("[data-cs-answer]").inner_text()
    assert '<iframe src="javascript:parent.__pwned=8"></iframe>' in bot.locator("[data-cs-answer]").inner_text()
    assert bot.locator("[data-cs-answer] a:has-text('click me')").count() >= 1
    for href in bot.locator("[data-cs-answer] a").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert href is None or href.startswith(("http:", "https:", "mailto:", "#"))
    assert bot.locator(".cs-source-name").text_content() == "<img src=x onerror=window.__pwned=50>"
    assert page.locator("#cs-input").evaluate("e => e.tagName") == "TEXTAREA"  # no DOM clobbering
    # Stored and restored: still inert after a reload.
    page.unroute("**/talk")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert_inert(page)
    assert "<script>window.__pwned=2</script>" in chat.last_bot().locator("[data-cs-answer]").inner_text()


def test_hostile_question_through_the_demo_bot_echo_never_executes(chat):
    """The demo bot repeats the question in its answer: a real round trip through the plugin."""
    page = chat.open(DEMO_HOOK).page
    for payload in (
        "<img src=x onerror=window.__pwned=1>",
        "<svg/onload=window.__pwned=2>",
        "[x](javascript:window.__pwned=3)",
    ):
        chat.send(payload)
        assert page.locator(".cs-msg-user [data-cs-msg-text]").last.inner_text() == payload
        assert_inert(page)


def test_hostile_welcome_and_suggestions_never_execute(browser, host):
    """Settings-like text reaching the client through the page config is rendered inertly too."""
    ctx = new_context(browser)
    try:
        page = ctx.new_page()

        patch_config(
            page,
            {
                "welcome": "<img src=x onerror=window.__pwned=1> **hi**",
                "suggestions": ["<script>window.__pwned=2</script>"],
            },
        )
        chat = Chat(page, host).open(DEMO_HOOK)
        settle(page)
        assert page.evaluate("() => window.__pwned") is None
        assert "<img src=x onerror=window.__pwned=1>" in page.locator("[data-cs-welcome]").inner_text()
        assert page.locator(".cs-chip").first.inner_text() == "<script>window.__pwned=2</script>"
        assert chat.page.locator("[data-cs-welcome] strong").inner_text() == "hi"
    finally:
        ctx.close()


def test_rendering_works_under_the_real_csp_and_trusted_types(browser, host):
    """With the CSP enforced (no bypass), markdown still renders and nothing is refused."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = ctx.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "console", lambda m: m.type == "error" and "Content Security Policy" in m.text and problems.append(m.text)
        )
        page.on("console", lambda m: "TrustedHTML" in m.text and problems.append(m.text))
        chat = Chat(page, host).open(DEMO_HOOK)
        chat.send("Tell me about lighthouses")
        assert chat.last_bot().locator("[data-cs-answer] table").count() == 1
        assert problems == []
    finally:
        ctx.close()
