"""Browser fixtures: Chromium through Playwright (tests/support/chromium.py decides whether it can run)."""

from __future__ import annotations

import pytest

from tests.support.chat_page import Chat, new_context, track_errors
from tests.support.chromium import launch, require_chromium
from tests.support.embed_site import serve_site
from tests.support.tabs import Tabs


@pytest.fixture(scope="session")
def playwright_driver():
    """The worker's one Playwright (a second sync instance in the same thread is refused)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_driver):
    b = launch(playwright_driver)
    yield b
    b.close()


@pytest.fixture(scope="session")
def tabs(browser):
    """The worker's shared contexts: `with tabs.tab(**options) as page` (tests/support/tabs.py)."""
    shared = Tabs(browser)
    yield shared
    shared.close()


@pytest.fixture
def page(tabs):
    """A tab of the worker's shared context under the pages' real CSP, wiped after the test."""
    with tabs.tab(bypass_csp=False) as p:
        track_errors(p)
        yield p


@pytest.fixture
def chat(browser, host):
    """A Chat in a fresh context: these tests store and continue conversations, and a closed tab's last
    storage writes can land after a shared context's wipe. CSP is bypassed only so axe-core can be evaluated
    (tests of the CSP itself live in tests/browser/test_security_browser.py); every other behaviour is the same."""
    context = new_context(browser)
    try:
        page = context.new_page()
        errors = track_errors(page)
        yield Chat(page, host)
    finally:
        context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def site():
    """A foreign site on its own loopback port that embeds the bubble (one per test module)."""
    with serve_site() as s:
        yield s
