"""Every registered skin in Chromium: a real chat turn, every feature visible, axe-clean in light and dark,
no horizontal scrolling at 320 px, and a look that is clearly its own."""

from __future__ import annotations

import base64
import itertools

import pytest

from chat_skins.skins import SKINS
from tests.support.chat_page import Chat, new_context
from tests.support.hooks import DEMO_HOOK, REPLAY_HOOK

pytestmark = pytest.mark.browser

NAMES = [s.name for s in SKINS]

# Elements of a finished answer and of the empty state that no skin may hide.
ANSWER_PARTS = [
    "[data-cs-answer]",
    "[data-cs-sources] > summary",
    '[data-cs-action="copy"]',
    '[data-cs-action="regenerate"]',
]
CHROME = [
    ".cs-header [data-cs-title]",
    '.cs-header [data-cs-action="drawer"]',
    '.cs-header [data-cs-action="new"]',
    '.cs-header [data-cs-action="export"]',
    "#cs-input",
    '[data-cs-action="send"]',
]

# Everything laid out inside the page must stay within the viewport (code blocks and tables scroll on their own).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('#cs-app *')) {
    if (el.closest('pre, table, template, dialog, .cs-sr, [hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1)
      out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""

FINGERPRINT = """() => {
  const css = (sel, props) => { const el = document.querySelector(sel); const s = el ? getComputedStyle(el) : null;
    return props.map(p => s ? s.getPropertyValue(p) : 'none'); };
  return [
    ...css('body', ['font-family', 'background-image', 'background-color', 'font-size']),
    ...css('.cs-header', ['background-color', 'background-image', 'border-bottom-style', 'border-radius', 'display']),
    ...css('.cs-msg-user .cs-bubble', ['background-color', 'background-image', 'border-top-right-radius',
      'border-bottom-right-radius', 'padding-left', 'font-style', 'font-weight']),
    ...css('.cs-msg-bot .cs-bubble', ['background-color', 'border-top-left-radius', 'padding-left',
      'border-left-width', 'box-shadow']),
    ...css('.cs-composer', ['border-radius', 'background-color', 'box-shadow']),
    ...css('.cs-send', ['border-radius', 'background-color']),
    ...css('.cs-app', ['width', 'margin-top', 'border-radius']),
  ];
}"""

# Decodes PNG screenshots in the browser and shrinks them to a coarse grid of RGB cells.
GRID = """async ([images, w, h]) => {
  const out = [];
  for (const src of images) {
    const img = new Image();
    img.src = 'data:image/png;base64,' + src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0, w, h);
    out.push(Array.from(ctx.getImageData(0, 0, w, h).data));
  }
  return out;
}"""


# Calibrated on the shipped skins: the closest pair (two white messengers) differs in ~29% of cells and 14
# styles; a recolor of one skin changes far fewer styles, a copy changes none.
CELL_DELTA = 10
MIN_CELLS = 0.2
MIN_STYLES = 8


def preview(chat: Chat, name: str, theme: str) -> None:
    chat.open(DEMO_HOOK, f"/{name}", f"?preview=1&theme={theme}")
    chat.page.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")


@pytest.mark.parametrize("name", NAMES)
def test_skin_completes_a_chat_turn_with_the_demo_bot(chat, name):
    page = chat.open(DEMO_HOOK, f"/{name}").page
    assert page.locator("html").get_attribute("data-skin") == name
    for selector in CHROME:
        assert page.locator(selector).is_visible(), selector
    chat.send("Tell me about lighthouses")
    # The text itself: a skin's block template may add decoration to the message (a prompt, a read mark).
    assert page.locator(".cs-msg-user [data-cs-msg-text]").inner_text() == "Tell me about lighthouses"
    bot = chat.last_bot()
    assert "lighthouse" in bot.locator("[data-cs-answer]").inner_text().lower()
    for selector in ANSWER_PARTS:
        assert bot.locator(selector).first.is_visible(), selector
    bot.locator("[data-cs-sources] > summary").click()
    assert bot.locator(".cs-source").first.is_visible()


@pytest.mark.parametrize("name", NAMES)
def test_skin_shows_welcome_form_and_suggestions(chat, name):
    page = chat.open(REPLAY_HOOK, f"/{name}").page
    for selector in ["[data-cs-welcome]", "[data-cs-inputs]", "[data-cs-suggestions] button"]:
        locator = page.locator(selector).first
        locator.scroll_into_view_if_needed()
        assert locator.is_visible(), selector
    page.locator('[data-cs-action="drawer"]').click()
    assert page.locator("[data-cs-drawer]").is_visible()
    assert page.locator("[data-cs-drawer] .cs-drawer-new").is_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", NAMES)
def test_axe_finds_no_violations(chat, name, theme):
    preview(chat, name, theme)
    assert chat.axe() == []
    chat.open(REPLAY_HOOK, f"/{name}", f"?theme={theme}")
    assert chat.axe() == []


@pytest.mark.parametrize("name", NAMES)
def test_no_horizontal_scrolling_at_320px(tabs, host, name):
    with tabs.tab(viewport={"width": 320, "height": 640}) as page:
        chat = Chat(page, host)
        preview(chat, name, "light")
        result = chat.page.evaluate(OVERFLOW)
        assert result["scroll"] <= result["width"] and result["out"] == [], result
        chat.open(REPLAY_HOOK, f"/{name}")
        result = chat.page.evaluate(OVERFLOW)
        assert result["scroll"] <= result["width"] and result["out"] == [], result


def test_skins_look_clearly_different(browser, host):
    """Pairwise: many coarse screen cells differ, and so do several computed styles of the same hooks."""
    ctx = new_context(browser, viewport={"width": 900, "height": 640}, reduced_motion="reduce")
    try:
        chat = Chat(ctx.new_page(), host)
        shots, prints = {}, {}
        for name in NAMES:
            preview(chat, name, "light")
            shots[name] = base64.b64encode(chat.page.screenshot()).decode()
            prints[name] = chat.page.evaluate(FINGERPRINT)
        chat.page.goto("about:blank")
        w, h = 45, 32
        grids = dict(zip(NAMES, chat.page.evaluate(GRID, [list(shots.values()), w, h]), strict=True))
    finally:
        ctx.close()
    too_close = []
    for a, b in itertools.combinations(NAMES, 2):
        cells = sum(
            1
            for i in range(0, w * h * 4, 4)
            if max(abs(grids[a][i + c] - grids[b][i + c]) for c in range(3)) > CELL_DELTA
        )
        styles = sum(1 for x, y in zip(prints[a], prints[b], strict=True) if x != y)
        if cells / (w * h) < MIN_CELLS or styles < MIN_STYLES:
            too_close.append(f"{a}/{b}: {cells / (w * h):.0%} of cells, {styles} styles differ")
    assert not too_close, too_close


BRANDED_HOOK = "branded00000001a"
BRANDED = {
    "app": {"app_id": "demo-chat", "inputs": {}, "files": []},
    "bot_name": "Ava & Co",
    # A light yellow: the hardest accent to keep readable; the server picks dark text for it.
    "accent_color": "#ffd400",
    "avatar_url": "https://avatars.example/ava.png",
    "footer_text": "Replies may be inaccurate.",
}


@pytest.fixture(scope="module")
def branded_host():
    from localdify import Host

    config = {
        "apps": {"demo-chat": {"backend": "demo", "speed": 50}},
        "endpoints": [{"hook_id": BRANDED_HOOK, "name": "Branded", "settings": BRANDED}],
    }
    with Host(config) as h:
        yield h


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", NAMES)
def test_skin_honours_branding_settings(tabs, branded_host, name, theme):
    with tabs.tab() as page:
        # The avatar host does not exist; answer its request locally so the page is complete.
        page.route("https://avatars.example/**", lambda route: route.fulfill(status=404, body=""))
        chat = Chat(page, branded_host)
        chat.open(BRANDED_HOOK, f"/{name}", f"?preview=1&theme={theme}")
        page = chat.page
        page.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")
        assert page.locator(".cs-header [data-cs-title]").inner_text() == BRANDED["bot_name"]
        assert page.locator("[data-cs-footer-text]").is_visible()
        assert page.locator("[data-cs-footer-text]").inner_text() == BRANDED["footer_text"]
        avatars = page.locator(f'.cs-avatar img[src="{BRANDED["avatar_url"]}"]')
        assert avatars.count() >= 1
        send = page.evaluate("getComputedStyle(document.querySelector('[data-cs-action=send]')).backgroundColor")
        assert send == "rgb(255, 212, 0)", "the send button must use --cs-accent"
        assert chat.axe() == []


# In a right-to-left page these sit mirrored: user messages at the inline end, the bot at the start, tails outside.
MIRRORED = [
    ".cs-msg-user .cs-bubble",
    ".cs-msg-bot .cs-bubble",
    ".cs-msg-bot .cs-msg-avatar",
    ".cs-header [data-cs-action='drawer']",
    ".cs-composer",
    "[data-cs-action='send']",
]
EDGES = """(selectors) => selectors.map((selector) => {
  const el = document.querySelector(selector);
  const r = el && el.getBoundingClientRect();
  return r && r.width ? [r.left, r.right] : null;
})"""
TAILS = """() => [...document.querySelectorAll('.cs-msg .cs-bubble')].map((el) => {
  const s = getComputedStyle(el, '::before');
  return s.display === 'none' ? null : [s.left, s.right];
})"""


def same_length(a: str, b: str) -> bool:
    """Two computed lengths within a pixel of each other (or the same keyword, such as auto)."""
    if a.endswith("px") and b.endswith("px"):
        return abs(float(a[:-2]) - float(b[:-2])) <= 1
    return a == b


@pytest.mark.parametrize("name", NAMES)
def test_skin_mirrors_right_to_left(tabs, host, name):
    """With dir=rtl on the document, each piece of the layout sits where its mirror image was."""
    with tabs.tab(viewport={"width": 1000, "height": 1400}, reduced_motion="reduce") as page:
        chat = Chat(page, host)
        preview(chat, name, "light")
        page = chat.page
        width = page.evaluate("document.documentElement.clientWidth")
        ltr, ltr_tails = page.evaluate(EDGES, MIRRORED), page.evaluate(TAILS)
        page.evaluate("document.documentElement.dir = 'rtl'")
        rtl, rtl_tails = page.evaluate(EDGES, MIRRORED), page.evaluate(TAILS)
        assert ltr[0] and ltr[1], "the preview shows a question and an answer"
        for selector, a, b in zip(MIRRORED, ltr, rtl, strict=True):
            assert (a is None) == (b is None), selector
            if a:
                assert abs(b[0] - (width - a[1])) <= 3 and abs(b[1] - (width - a[0])) <= 3, (selector, a, b)
        assert [t is None for t in rtl_tails] == [t is None for t in ltr_tails]
        for a, b in zip(ltr_tails, rtl_tails, strict=True):
            assert a is None or (same_length(b[0], a[1]) and same_length(b[1], a[0])), (a, b)
