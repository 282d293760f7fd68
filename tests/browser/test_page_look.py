"""Languages, light and dark, narrow screens, accessibility (axe-core), preview mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.chat_page import Chat, new_context
from tests.support.hooks import DEMO_HOOK, REPLAY_HOOK
from tests.support.locales import RTL, languages, text

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", languages())
def test_each_language_from_the_browser_and_from_lang_parameter(browser, tabs, host, lang):
    """Every interface language, chosen by the browser and by ?lang=, fully in that language and direction."""

    def check(page, query):
        chat = Chat(page, host).open(DEMO_HOOK, query=query)
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang in RTL else "ltr")
        assert page.get_attribute('[data-cs-action="send"]', "aria-label") == send
        assert page.get_attribute("#cs-input", "placeholder") == placeholder
        chat.send("/quota")
        assert chat.last_bot().locator("[data-cs-error-text]").inner_text() == text(lang, "err.quota")

    send, placeholder = text(lang, "send"), text(lang, "placeholder", bot="Demo Bot")
    # The browser's language: a context of its own (one per language, shared with no other test).
    ctx = new_context(browser, locale=lang)
    try:
        check(ctx.new_page(), "")
    finally:
        ctx.close()
    # ?lang= wins over another browser language (the worker's shared en-US or ja-JP context).
    with tabs.tab(locale="en-US" if lang != "en" else "ja-JP") as page:
        check(page, f"?lang={lang}")


def colors(page):
    return page.evaluate("() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }")


def test_light_and_dark_follow_the_system_and_the_theme_parameter(tabs, host):
    seen = {}
    for scheme, query in (("light", ""), ("dark", ""), ("light", "?theme=dark"), ("dark", "?theme=light")):
        with tabs.tab(color_scheme=scheme) as page:
            Chat(page, host).open(DEMO_HOOK, query=query)
            seen[(scheme, query)] = colors(page)
    light, dark = seen[("light", "")], seen[("dark", "")]
    assert light != dark
    assert seen[("light", "?theme=dark")] == dark
    assert seen[("dark", "?theme=light")] == light


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(tabs, host, scheme):
    """axe-core 4.x on an empty page, a finished rich turn, an error, and the open drawer."""
    with tabs.tab(color_scheme=scheme) as page:
        chat = Chat(page, host).open(REPLAY_HOOK)
        assert chat.axe() == []
        page.fill("#cs-in-0", "A-1")
        chat.send("fixture:chat-basic")
        page.click(".cs-sources summary")
        assert chat.axe() == []
        chat.send("fixture:quota-exceeded")
        assert chat.last_bot().locator("[data-cs-error]").is_visible()
        assert chat.axe() == []
        page.click('[data-cs-action="drawer"]')
        assert chat.axe() == []


@pytest.mark.parametrize("width", [320, 375, 768, 1440])
def test_no_horizontal_scroll_from_320px_up(tabs, host, width):
    with tabs.tab(viewport={"width": width, "height": 700}) as page:
        chat = Chat(page, host).open(DEMO_HOOK)
        chat.send("Tell me about lighthouses")  # a table, code and long words
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
            " (s => s.scrollWidth - s.clientWidth)(document.querySelector('[data-cs-scroll]'))]"
        )
        assert overflow == [0, 0]
        # Everything in the header stays on screen.
        right = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('header button')]"
            ".map(b => b.getBoundingClientRect().right))"
        )
        assert right <= width


def test_reduced_motion_turns_transitions_off(tabs, host):
    with tabs.tab(reduced_motion="reduce") as page:
        Chat(page, host).open(DEMO_HOOK)
        assert (
            page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--cs-motion').trim()")
            == "0s"
        )


def test_embed_mode_has_close_and_expand_that_dispatch_events(chat):
    page = chat.open(DEMO_HOOK, query="?embed=1&origin=https%3A%2F%2Fexample.com&bubble=b1").page
    assert page.evaluate("() => document.documentElement.hasAttribute('data-embed')")
    page.evaluate(
        "() => { window.__ev = []; for (const n of ['close', 'expand'])"
        " document.addEventListener('chatskins:' + n, e => window.__ev.push(n)); }"
    )
    page.click('[data-cs-action="expand"]')
    page.click('[data-cs-action="close"]')
    assert page.evaluate("() => window.__ev") == ["expand", "close"]
    # The conversation list stays available in the compact header.
    page.click('[data-cs-action="drawer"]')
    assert page.locator("[data-cs-drawer]").is_visible()


def test_without_embed_the_close_and_expand_buttons_are_absent(chat):
    page = chat.open(DEMO_HOOK).page
    assert not page.evaluate("() => document.documentElement.hasAttribute('data-embed')")
    assert page.locator('[data-cs-action="close"]').is_hidden()
    assert page.locator('[data-cs-action="expand"]').is_hidden()


def test_preview_mode_renders_a_sample_without_network_or_storage(chat):
    page = chat.page
    talks: list[str] = []
    page.on("request", lambda r: r.method == "POST" and talks.append(r.url))
    chat.open(DEMO_HOOK, query="?preview=1")
    bot = chat.last_bot()
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == "When will I get my refund?"
    assert bot.locator("[data-cs-answer] ol li").count() == 3
    assert bot.locator(".cs-source").count() == 1
    # Real chats never get follow-up chips (Dify's API for them is not open to plugins): neither does the sample.
    assert bot.locator(".cs-chip").count() == 0
    page.fill("#cs-input", "Can I return a gift?")
    page.click('[data-cs-action="send"]')
    expect(page.locator(".cs-msg-bot").last.locator("[data-cs-answer]")).to_have_text("Preview: nothing is sent.")
    assert talks == []
    assert chat.stored_keys() == []


@pytest.mark.parametrize("lang", ["de", "ar", "zh-Hant"])
def test_the_preview_sample_speaks_the_page_language(chat, lang):
    chat.open(DEMO_HOOK, query=f"?preview=1&lang={lang}")
    page = chat.page
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == text(lang, "preview.question")
    answer = chat.last_bot().locator("[data-cs-answer]")
    assert answer.locator("strong").first.inner_text() == text(lang, "preview.answer.method")
    assert answer.locator("a").inner_text() == text(lang, "preview.answer.policy")
    assert chat.last_bot().locator(".cs-source-set").inner_text() == text(lang, "preview.source.dataset")
