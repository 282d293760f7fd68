"""The skin gallery at /skins in Chromium: every skin previewed in light and dark, copy buttons, open links."""

from __future__ import annotations

import pytest

from chat_skins.skins import SKINS
from tests.support.chat_page import AXE_JS
from tests.support.hooks import DEMO_HOOK

pytestmark = pytest.mark.browser

NAMES = [s.name for s in SKINS]


@pytest.fixture
def gallery(browser, host):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=host.base_url)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(host.url(DEMO_HOOK, "/skins"))
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "frame-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    yield page
    ctx.close()
    assert errors == [], errors


def test_gallery_lists_every_skin_with_light_and_dark_previews(gallery, host):
    calls_before = len(host.app_calls)
    cards = gallery.locator(".g-card[data-skin]")
    assert [cards.nth(i).get_attribute("data-skin") for i in range(cards.count())] == NAMES
    for name in NAMES:
        card = gallery.locator(f'.g-card[data-skin="{name}"]')
        frames = card.locator("iframe")
        assert frames.count() == 2
        for i, theme in enumerate(("light", "dark")):
            frame = frames.nth(i)
            assert frame.get_attribute("src") == f"{name}?preview=1&theme={theme}"
            assert frame.get_attribute("loading") == "lazy"
            assert frame.get_attribute("title")
            frame.scroll_into_view_if_needed()
            inner = frame.element_handle().content_frame()
            inner.wait_for_selector("html[data-ready]")
            assert inner.locator("html").get_attribute("data-skin") == name
            assert inner.locator("html").get_attribute("data-theme") == theme
            # The sample conversation is built in: no bot call, a finished answer with sources.
            inner.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")
            assert inner.locator(".cs-msg-user").count() >= 1
    assert len(host.app_calls) == calls_before, "previews must not call the bot"


@pytest.mark.parametrize("name", NAMES)
def test_copy_buttons_put_absolute_snippets_on_the_clipboard(gallery, host, name):
    url = host.url(DEMO_HOOK, f"/{name}")
    card = gallery.locator(f'.g-card[data-skin="{name}"]')
    assert card.locator("[data-url]").inner_text() == url
    expected = {
        "url": url,
        "iframe": f'<iframe src="{url}" title="Demo Bot" style="width:100%;height:640px;border:0"'
        ' allow="clipboard-write"></iframe>',
        "script": f'<script src="{host.url(DEMO_HOOK, "/embed.js")}" data-skin="{name}" async></script>',
    }
    for kind, text in expected.items():
        button = card.locator(f'button[data-copy="{kind}"]')
        button.click()
        # The status clears itself after 4 s, so it is checked in the page, in the same poll as the
        # copy mark (a loaded machine can take longer than that between two driver calls).
        gallery.wait_for_function(
            "b => b.hasAttribute('data-copied')"
            " && document.getElementById('g-status').textContent === 'Copied to the clipboard.'",
            arg=button.element_handle(),
        )
        assert gallery.evaluate("navigator.clipboard.readText()") == text
    link = card.locator("a.g-open")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert gallery.evaluate("a => a.href", link.element_handle()) == url


def test_gallery_keyboard_and_axe(browser, host):
    for scheme in ("light", "dark"):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme, bypass_csp=True)
        try:
            page = ctx.new_page()
            page.goto(host.url(DEMO_HOOK, "/skins?lang=ja"))
            assert page.locator("html").get_attribute("lang") == "ja"
            assert page.locator("h1").inner_text() == "チャットスキン"
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.dataset.copy") == "url"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
            violations = page.evaluate(
                "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',"
                " 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, iframes: false})).violations"
                ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
            )
            assert violations == [], (scheme, violations)
        finally:
            ctx.close()
