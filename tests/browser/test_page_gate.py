"""The locked page in Chromium: nothing private before the code, everything after it, clear states."""

from __future__ import annotations

import pytest

from localdify import Host
from tests.support.chat_page import Chat, track_errors
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import BROKEN_GATE_HOOK as BROKEN
from tests.support.hooks import GATE_CODE as CODE
from tests.support.hooks import GATE_CONFIG as CONFIG
from tests.support.hooks import LOCKED_HOOK as LOCKED
from tests.support.hooks import LOCKED_TOO_HOOK as OTHER
from tests.support.locales import text


@pytest.fixture(scope="module")
def gate_host():
    """The locked endpoints' host: what a visitor unlocks lives in the tab's storage, wiped after each test."""
    with Host(CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture
def gate(tabs, gate_host):
    with tabs.tab() as page:
        errors = track_errors(page)
        yield Chat(page, gate_host)
    assert errors == [], errors


def welcome(page) -> str:
    return page.locator("[data-cs-welcome]").inner_text()


def test_the_welcome_form_and_suggestions_come_only_with_the_code(gate):
    page = gate.open(OTHER).page
    assert page.locator("[data-cs-access]").is_visible()
    assert welcome(page) == ""
    assert page.locator("[data-cs-suggestions] li").count() == 0
    assert page.locator("[data-cs-fields] [name]").count() == 0
    page.fill("[data-cs-access-code]", CODE)
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_selector("[data-cs-access]", state="hidden")
    page.wait_for_function("() => document.querySelector('[data-cs-welcome]').textContent.includes('demo bot')")
    assert page.locator("[data-cs-suggestions] li").count() == 3
    assert page.locator("[data-cs-inputs]").is_visible()
    assert page.locator("[data-cs-fields] [name]").count() == 2
    stored = page.evaluate(f"() => JSON.parse(localStorage['chatskins:{OTHER}:token'])")
    assert set(stored) == {"token", "expiresAt"}  # the private content is not kept in storage
    gate.send("hello")
    assert gate.answers()[-1]
    # A returning visitor with a token: no dialog, the welcome comes back through the token.
    page.evaluate("() => document.querySelector('[data-cs-action=new]').click()")
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function("() => document.querySelector('[data-cs-welcome]').textContent.includes('demo bot')")
    assert page.locator("[data-cs-access]").is_hidden()


def test_the_operators_welcome_setting_too(gate):
    page = gate.open(LOCKED).page
    assert "Secret welcome" not in page.content()
    page.fill("[data-cs-access-code]", CODE)
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-cs-welcome]').textContent.includes('Secret welcome W1')"
    )
    assert page.locator("[data-cs-suggestions] li").all_inner_texts() == ["Secret question Q1", "Secret question Q2"]


def test_too_many_wrong_codes_say_how_long_to_wait(gate):
    page = gate.open(OTHER, query="?lang=es").page
    page.route(
        "**/unlock",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "120"},
            content_type="application/json",
            body='{"code":"too_many_attempts","message":"x","status":429}',
        ),
    )
    page.fill("[data-cs-access-code]", "0000")
    page.press("[data-cs-access-code]", "Enter")
    page.wait_for_function("() => document.querySelector('[data-cs-access-error]').textContent")
    assert page.locator("[data-cs-access-error]").inner_text() == (
        "Demasiados códigos incorrectos. Espera 2 minutos y vuelve a intentarlo."
    )


def test_an_invisible_code_says_the_chat_is_not_available(gate):
    page = gate.open(BROKEN, query="?lang=ko").page
    assert page.locator("[data-cs-access]").is_hidden()
    notice = page.locator("[data-cs-notice]")
    assert notice.inner_text() == text("ko", "accessMisconfigured")
    assert page.locator("#cs-input").is_disabled()
    assert welcome(page) == ""
