"""The skin gallery at /skins in Chromium: one link per skin over inert live previews that open at the top
of the sample chat, the "try your own" bar that restyles every preview at once, and the snippets it copies."""

from __future__ import annotations

import base64
import json
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from chat_skins.color import accent_palette
from chat_skins.language import catalogue, prefixed
from chat_skins.skins import SKINS
from tests.support.chat_page import AXE_JS
from tests.support.hooks import DEMO_HOOK

pytestmark = pytest.mark.browser

NAMES = [s.name for s in SKINS]
WORDS = prefixed("en", "gallery.")
HOSTILE = "<img src=x onerror=alert(1)>"
AVATAR = "https://avatars.example/harbor.png"
# A 1x1 teal PNG, answered inside the browser for AVATAR (tests use loopback only).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPgE1gHAAEMAKgCUQUDAAAAAElFTkSuQmCC")
FORM_ORDER = ["g-name", "g-accent", "g-avatar", "g-skin", "reset"] + [
    f"copy:{k}" for k in ("settings", "url", "iframe", "script")
]
# What has focus, in words: a field's id, the reset button, a copy button, or a card link's skin.
FOCUSED = """() => {
  const a = document.activeElement;
  if (a.id) return a.id;
  if (a.type === 'reset') return 'reset';
  if (a.dataset.copy) return 'copy:' + a.dataset.copy;
  if (a.classList.contains('g-link')) return 'card:' + a.getAttribute('href');
  return a.tagName.toLowerCase();
}"""


@contextmanager
def open_gallery(
    tabs, host, *, path="/skins", clipboard=True, errors=None, viewport=None, color_scheme=None, **options
):
    """The gallery in a tab of the worker's shared context of `options` (the real CSP unless bypass_csp)."""
    options = {"bypass_csp": False} | options
    with tabs.tab(viewport=viewport or {"width": 1280, "height": 900}, color_scheme=color_scheme, **options) as page:
        # Up to a dozen chat pages start in the gallery's own thread: generous waits on a loaded machine.
        page.set_default_timeout(60_000)
        if clipboard:
            page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=host.base_url)
        page.route(AVATAR, lambda route: route.fulfill(status=200, content_type="image/png", body=PNG))
        if errors is not None:
            page.on("pageerror", lambda exc: errors.append(str(exc)))
        # Not "load": that waits for every preview in view, which says nothing about the gallery itself.
        response = page.goto(host.url(DEMO_HOOK, path), wait_until="domcontentloaded")
        assert response is not None and response.status == 200
        yield page, response


@pytest.fixture
def gallery(tabs, host):
    errors: list[str] = []
    with open_gallery(tabs, host, errors=errors) as (page, response):
        csp = response.headers["content-security-policy"]
        assert "frame-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        yield page
    assert errors == [], errors


def frames_of(page, name):
    """The light and dark preview frames of a card, loaded (they are lazy: scrolled to first)."""
    out = []
    for handle in page.locator(f'.g-card[data-skin="{name}"] iframe').element_handles():
        handle.scroll_into_view_if_needed()
        inner = handle.content_frame()
        inner.wait_for_selector("html[data-ready]")
        out.append(inner)
    return out


# What a visitor sees at the top of a preview: the question and the start of the answer, inside both the
# scrolling log and the frame's viewport; and nothing a real chat would not show there.
TOP_OF_CHAT = """() => {
  const scroll = document.querySelector('[data-cs-scroll]').getBoundingClientRect();
  const top = Math.max(scroll.top, 0), bottom = Math.min(scroll.bottom, innerHeight);
  const user = document.querySelector('.cs-msg-user').getBoundingClientRect();
  const bot = document.querySelector('.cs-msg-bot').getBoundingClientRect();
  return {
    scrollTop: document.querySelector('[data-cs-scroll]').scrollTop,
    user: user.top >= top - 1 && user.bottom <= bottom + 1 && user.height > 0,
    bot: bot.top >= top - 1 && bot.top + 48 <= bottom,
    chips: document.querySelectorAll('.cs-log .cs-chip, .cs-log [data-cs-suggestions]').length,
    jump: document.querySelectorAll('[data-cs-action="jump"]').length,
  };
}"""


def test_every_skin_has_live_inert_previews_that_open_at_the_top(gallery, host):
    calls_before = len(host.app_calls)
    cards = gallery.locator(".g-card[data-skin]")
    assert [cards.nth(i).get_attribute("data-skin") for i in range(cards.count())] == NAMES
    # Only previews near the screen load: the last card's wait until it is scrolled to.
    assert gallery.locator(f'.g-card[data-skin="{NAMES[-1]}"] iframe[src]').count() == 0
    for name in NAMES:
        card = gallery.locator(f'.g-card[data-skin="{name}"]')
        assert card.locator(".g-previews").evaluate("el => el.inert && el.getAttribute('aria-hidden') === 'true'")
        frames = card.locator("iframe")
        previews = frames_of(gallery, name)
        assert [frames.nth(i).get_attribute("src") for i in range(2)] == [
            f"{name}?preview=1&theme=light",
            f"{name}?preview=1&theme=dark",
        ]
        for inner, theme in zip(previews, ("light", "dark"), strict=True):
            assert inner.locator("html").get_attribute("data-skin") == name
            assert inner.locator("html").get_attribute("data-theme") == theme
            # The sample is built in (no bot call) and finished.
            inner.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")
            top = inner.evaluate(TOP_OF_CHAT)
            assert top == {"scrollTop": 0, "user": True, "bot": True, "chips": 0, "jump": 0}, (name, theme, top)
            # Inert reaches into the frame: nothing in it can take focus.
            assert (
                inner.evaluate("document.querySelector('#cs-input').focus(), document.activeElement.id") != "cs-input"
            )
    assert len(host.app_calls) == calls_before, "previews must not call the bot"


def test_the_keyboard_meets_the_form_then_one_stop_per_skin(gallery):
    seen = []
    for _ in range(len(FORM_ORDER) + len(NAMES)):
        gallery.keyboard.press("Tab")
        seen.append(gallery.evaluate(FOCUSED))
    assert seen == FORM_ORDER + [f"card:{n}" for n in NAMES]
    # The focused card shows it, and its link says what it opens.
    link = gallery.locator(".g-link").last
    assert gallery.evaluate("() => getComputedStyle(document.activeElement.closest('.g-card')).outlineStyle") == "solid"
    description = gallery.locator(f"#{link.get_attribute('aria-describedby')}").inner_text()
    assert description == catalogue("en")[f"skin.{NAMES[-1]}.description"]
    # Screen readers meet the cards as links with names, never the previews' controls.
    tree = gallery.locator(".g-list").aria_snapshot()
    for name in NAMES:
        assert f'link "{catalogue("en")[f"skin.{name}.label"]}"' in tree
    assert "textbox" not in tree and "button" not in tree and "iframe" not in tree


def set_values(page, *, name=None, accent=None, avatar=None, skin=None):
    if name is not None:
        page.fill("#g-name", name)
    if accent is not None:
        page.locator("#g-accent").evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", accent
        )
    if avatar is not None:
        page.fill("#g-avatar", avatar)
    if skin is not None:
        page.select_option("#g-skin", skin)


WEARS = """([name, accent, avatar]) => {
  const titles = [...document.querySelectorAll('[data-cs-title]')].map((n) => n.textContent);
  const img = document.querySelector('.cs-header .cs-avatar img, .cs-avatar img');
  return titles.length > 0 && titles.every((t) => t === name)
    && document.documentElement.style.getPropertyValue('--cs-accent') === accent
    && (avatar ? !!img && img.getAttribute('src') === avatar && img.complete && img.naturalWidth > 0 : !img);
}"""


def test_try_your_own_restyles_every_preview_as_text(gallery):
    palette = accent_palette("#0f766e")
    # One preview is loaded before the change (it gets it by message), the others after (on load).
    frames_of(gallery, NAMES[0])
    gallery.evaluate("window.scrollTo(0, 0)")
    set_values(gallery, name=HOSTILE, accent="#0f766e", avatar=AVATAR, skin="letter")
    expect(gallery.locator("#g-accent-value")).to_have_text("#0f766e")
    for name in NAMES:
        for inner in frames_of(gallery, name):
            inner.wait_for_function(WEARS, arg=[HOSTILE, palette["accent"], AVATAR])
            assert (
                inner.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--cs-on-accent')")
                == (palette["onAccent"])
            )
            assert inner.locator('img[src="x"]').count() == 0
            assert inner.locator("#cs-input").get_attribute("placeholder") == f"Message {HOSTILE}…"
    assert gallery.locator('img[src="x"]').count() == 0
    assert gallery.locator(".g-card[data-chosen]").get_attribute("data-skin") == "letter"

    # Reset: back to the endpoint's own name, the skin's colours and the initial.
    gallery.locator('button[type="reset"]').click()
    # The form applies a reset once the fields are back to their defaults (a task later): wait for it.
    expect(gallery.locator("#g-accent-value")).to_have_text(WORDS["try_accent_none"])
    for name in (NAMES[0], NAMES[-1]):
        for inner in frames_of(gallery, name):
            inner.wait_for_function(WEARS, arg=["Demo Bot", "", ""])
            assert inner.locator(".cs-header .cs-avatar").inner_text().strip() == "D"


def test_copy_gives_the_values_with_a_visible_copied_state(gallery, host):
    set_values(gallery, name=HOSTILE, accent="#0F766E", avatar=AVATAR, skin="kawaii")
    url = host.url(DEMO_HOOK, "/kawaii")
    expected = {
        "settings": f'skin: kawaii\nbot_name: "{HOSTILE}"\naccent_color: "#0f766e"\navatar_url: "{AVATAR}"',
        "url": url,
        "iframe": f'<iframe src="{url}" title="&lt;img src=x onerror=alert(1)&gt;"'
        ' style="width:100%;height:640px;border:0" allow="clipboard-write"></iframe>',
        "script": f'<script src="{host.url(DEMO_HOOK, "/embed.js")}" data-skin="kawaii" data-color="#0f766e"'
        f' data-title="&lt;img src=x onerror=alert(1)&gt;" data-icon="{AVATAR}" async></script>',
    }
    for kind, text in expected.items():
        # The outputs follow the form a moment later (debounced): wait for them.
        expect(gallery.locator(f"#g-out-{kind}")).to_have_text(text)
        button = gallery.locator(f'button[data-copy="{kind}"]')
        label = button.inner_text()
        button.click()
        # The button says so for 2 s and the status for 4 s: both are checked in one poll of the page.
        gallery.wait_for_function(
            "([b, copied, status]) => b.hasAttribute('data-copied') && b.textContent === copied"
            " && document.getElementById('g-status').textContent === status",
            arg=[button.element_handle(), catalogue("en")["copied"], WORDS["copied"]],
        )
        assert gallery.evaluate("navigator.clipboard.readText()") == text
        gallery.wait_for_function("([b, label]) => b.textContent === label", arg=[button.element_handle(), label])
    assert gallery.locator('img[src="x"]').count() == 0


def test_without_the_clipboard_the_text_is_selected(tabs, host):
    with open_gallery(tabs, host, clipboard=False) as (page, _):
        page.evaluate(
            "Object.defineProperty(navigator, 'clipboard', {configurable: true,"
            " value: {writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError'))}})"
        )
        page.locator('button[data-copy="iframe"]').click()
        page.wait_for_function(
            "text => document.getElementById('g-status').textContent === text", arg=WORDS["copy_selected"]
        )
        assert page.evaluate("getSelection().toString()") == page.locator("#g-out-iframe").inner_text()
        assert page.locator('button[data-copy="iframe"]').get_attribute("data-copied") is None


def test_an_avatar_that_is_not_plain_https_is_refused(gallery):
    set_values(gallery, avatar="http://avatars.example/harbor.png")
    error = gallery.locator("#g-avatar-error")
    # The form checks its values a moment after the input (debounced): wait for the verdict.
    expect(gallery.locator("#g-avatar")).to_have_attribute("aria-invalid", "true")
    assert error.inner_text() == WORDS["try_avatar_bad"]
    expect(gallery.locator("#g-out-settings")).not_to_contain_text("avatar_url")
    set_values(gallery, name="Harbor")  # a change the previews do take, to know the message went out
    (inner, _dark) = frames_of(gallery, NAMES[0])
    inner.wait_for_function(WEARS, arg=["Harbor", "", ""])
    set_values(gallery, avatar=AVATAR)
    expect(gallery.locator("#g-avatar")).to_have_attribute("aria-invalid", "false")
    expect(error).to_be_hidden()


def test_a_foreign_page_cannot_restyle_a_preview(browser, host, site):
    preview = host.url(DEMO_HOOK, "/minimal?preview=1&theme=light")
    site.pages["/foreign"] = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Foreign</title></head>'
        f'<body><iframe id="f" src="{preview}" title="preview" width="400" height="600"></iframe></body></html>'
    )
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"{site.origin}/foreign")
        inner = page.frame_locator("#f").locator("html[data-ready]")
        inner.wait_for()
        frame = page.frame(url=lambda u: "preview=1" in u)
        message = {"type": "chatskins", "bubble": "", "name": "try", "detail": {"botName": "Spoofed", "accent": None}}
        # Our listener comes after the page's own: once it has the message, the page has had its chance.
        frame.evaluate("addEventListener('message', (e) => (window.seen = e.origin), {once: true})")
        page.evaluate("m => document.getElementById('f').contentWindow.postMessage(m, '*')", message)
        assert frame.wait_for_function("window.seen").json_value() == site.origin
        page.wait_for_load_state("networkidle")
        assert frame.locator("[data-cs-title]").first.inner_text() == "Demo Bot"
        assert frame.evaluate("'trial' in document.documentElement.dataset") is False
        assert not frame.evaluate(
            "performance.getEntriesByType('resource').some((e) => e.name.includes('/lazy/trial'))"
        )
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("scheme", "width", "lang"),
    [("light", 1280, "en"), ("dark", 1280, "en"), ("light", 390, "ja"), ("dark", 390, "ar")],
)
def test_gallery_axe_phone_and_right_to_left(tabs, host, scheme, width, lang):
    with open_gallery(
        tabs,
        host,
        path=f"/skins?lang={lang}",
        viewport={"width": width, "height": 844},
        color_scheme=scheme,
        bypass_csp=True,
    ) as (page, _):
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator("h1").inner_text() == catalogue(lang)["gallery.title"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # A phone shows one preview per skin, in the visitor's scheme; a wide screen both.
        visible = page.locator(".g-preview:visible")
        expected = [scheme] * len(NAMES) if width < 600 else ["light", "dark"] * len(NAMES)
        assert [visible.nth(i).get_attribute("data-theme") for i in range(visible.count())] == expected
        # Every preview sits in its box, whichever way the text runs.
        first = page.locator(".g-preview:visible .g-frame").first
        first.scroll_into_view_if_needed()
        inside = first.evaluate(
            "box => { const b = box.getBoundingClientRect(), f = box.querySelector('iframe').getBoundingClientRect();"
            " return Math.abs(b.left + 1 - f.left) < 2 && Math.abs(b.right - 1 - f.right) < 2; }"
        )
        assert inside
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        violations = page.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',"
            " 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, iframes: false})).violations"
            ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        assert violations == [], (scheme, width, lang, violations)
        config = json.loads(page.locator("#g-main").get_attribute("data-config"))
        assert config["strings"]["copied"] == catalogue(lang)["gallery.copied"]
