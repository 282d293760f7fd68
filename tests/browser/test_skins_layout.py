"""Layout defects found in use, checked in every registered skin: a real bot name fits the header on a phone and in
the embed panel, a new chat opens at its welcome, answer lists and tables read as written."""

from __future__ import annotations

import pytest

from chat_skins.skins import SKINS
from tests.support.chat_page import Chat, new_context
from tests.support.hooks import DEMO_APP

pytestmark = pytest.mark.browser

NAMES = [s.name for s in SKINS]
PHONE = {"is_mobile": True, "has_touch": True}
HOOK = "layoutharbor0001"
BOT_NAME = "Harbor Assistant"
# The page as the embed script opens it in its 400 px panel: with its own close and expand buttons.
EMBED = "?embed=1&origin=https%3A%2F%2Fshop.example&bubble=b1"

# The title shows whole (no ellipsis) and nothing else in the header covers it.
HEADER = """() => {
  const title = document.querySelector('.cs-header [data-cs-title]');
  const r = title.getBoundingClientRect();
  const covering = [...document.querySelectorAll('.cs-header button, .cs-header .cs-avatar')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, b]) => b.right > r.left + 0.5 && b.left < r.right - 0.5 && b.bottom > r.top && b.top < r.bottom)
    .map(([el]) => el.getAttribute('data-cs-action') || el.className);
  return {text: title.textContent, cut: title.scrollWidth > title.clientWidth + 1, width: r.width, covering};
}"""

# One answer with a table whose columns say start/centre/end, bullets with a nested list, and a table far wider
# than a phone.
ANSWER = (
    "/echo - first\n  - nested\n- second\n\n"
    "| Item | Kind | Price |\n| :-- | :-: | --: |\n| Lamp | oil | 12.50 |\n| Wick | cotton | 3.00 |\n\n"
    "| " + " | ".join(f"Column {i}" for i in range(8)) + " |\n"
    "|" + "---|" * 8 + "\n"
    "| " + " | ".join(f"value {i}" for i in range(8)) + " |\n"
)

# Scroll-driven animations (the tables' fading edges) take their values on the frame after a layout change, and
# a skin's web font can still change the layout once it loads: read after the fonts and two frames.
LISTS_AND_TABLES = """async () => {
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const answer = [...document.querySelectorAll('[data-cs-answer]')].pop();
  const [aligned, wide] = answer.querySelectorAll('table');
  const cells = [...aligned.rows[1].cells].map((c) => getComputedStyle(c).textAlign);
  const top = answer.querySelector(':scope ul > li');
  const nested = answer.querySelector(':scope ul ul > li');
  const fade = (t) => getComputedStyle(t).getPropertyValue('--cs-fade-end');
  return {
    cells,
    bullets: [getComputedStyle(top).listStyleType, getComputedStyle(nested).listStyleType],
    wide: {scrolls: wide.scrollWidth > wide.clientWidth, fadeEnd: fade(wide)},
    aligned: {scrolls: aligned.scrollWidth > aligned.clientWidth, fadeEnd: fade(aligned)},
  };
}"""


@pytest.fixture(scope="module")
def harbor_host():
    from localdify import Host

    settings = {"app": {"app_id": DEMO_APP, "inputs": {}, "files": []}, "bot_name": BOT_NAME}
    config = {
        "apps": {DEMO_APP: {"backend": "demo", "speed": 1000}},
        "endpoints": [{"hook_id": HOOK, "name": "Harbor", "settings": settings}],
    }
    with Host(config) as h:
        yield h


@pytest.mark.parametrize("name", NAMES)
def test_header_holds_a_real_name_on_a_phone_and_in_the_embed_panel(tabs, harbor_host, name):
    for viewport, query in (({"width": 360, "height": 740}, ""), ({"width": 400, "height": 640}, EMBED)):
        with tabs.tab(viewport=viewport, **PHONE) as page:
            chat = Chat(page, harbor_host).open(HOOK, f"/{name}", query)
            if query:
                assert chat.page.locator('.cs-header [data-cs-action="close"]').is_visible()
            header = chat.page.evaluate(HEADER)
            assert header["text"] == BOT_NAME
            assert not header["cut"] and header["covering"] == [], (viewport, header)


@pytest.mark.parametrize("name", NAMES)
def test_a_new_chat_opens_at_its_welcome_on_a_phone(tabs, harbor_host, name):
    with tabs.tab(viewport={"width": 360, "height": 640}, **PHONE) as page:
        Chat(page, harbor_host).open(HOOK, f"/{name}")
        assert page.locator("[data-cs-welcome]").is_visible()
        assert page.evaluate("document.querySelector('[data-cs-scroll]').scrollTop") == 0


@pytest.mark.parametrize("name", NAMES)
def test_answer_bullets_and_tables_read_as_written(tabs, harbor_host, name):
    with tabs.tab(viewport={"width": 390, "height": 800}) as page:
        chat = Chat(page, harbor_host).open(HOOK, f"/{name}")
        chat.send(ANSWER)
        result = chat.page.evaluate(LISTS_AND_TABLES)
    assert result["cells"] == ["start", "center", "end"], result
    assert result["bullets"] == ["disc", "circle"], result
    # A table too wide for the screen scrolls and fades at the end it scrolls to; one that fits does not fade.
    assert result["wide"]["scrolls"] and result["wide"]["fadeEnd"] not in ("", "0px"), result
    assert result["aligned"]["scrolls"] == (result["aligned"]["fadeEnd"] != "0px"), result


# Every decoration a skin paints with ::before/::after outside the header (a binding, a margin line, a frame),
# hidden; what a header control shows must not change when they go.
NO_DECORATIONS = (
    ":not(.cs-header, .cs-header *)::before, :not(.cs-header, .cs-header *)::after { visibility: hidden !important; }"
)
HEADER_CONTROLS = """() => [...document.querySelectorAll('.cs-header button')]
  .filter((el) => el.checkVisibility())
  .map((el) => {
    const r = el.getBoundingClientRect();
    return {name: el.getAttribute('data-cs-action'), clip: {x: r.x, y: r.y, width: r.width, height: r.height}};
  })"""


def settled(page, clip: dict) -> bytes:
    """A picture of `clip` once two frames in a row show the same (a scene or a sign may still be fading in)."""
    shot = page.screenshot(clip=clip)
    for _ in range(20):
        page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        again = page.screenshot(clip=clip)
        if again == shot:
            return shot
        shot = again
    return shot


@pytest.mark.parametrize("name", NAMES)
def test_no_decoration_overlaps_a_header_control(browser, harbor_host, name):
    # A phone, the embed panel, and the panel expanded to twice its width. A fresh context each: in a shared one
    # the novel's scene behind its header did not always match between the two pictures.
    for width, query in ((360, ""), (400, EMBED), (800, EMBED)):
        context = new_context(browser, viewport={"width": width, "height": 640}, reduced_motion="reduce")
        try:
            page = context.new_page()
            Chat(page, harbor_host).open(HOOK, f"/{name}", query)
            page.evaluate("document.fonts.ready")
            controls = page.evaluate(HEADER_CONTROLS)
            assert len(controls) >= 3, controls
            shown = [settled(page, c["clip"]) for c in controls]
            page.add_style_tag(content=NO_DECORATIONS)
            covered = [
                c["name"] for c, before in zip(controls, shown, strict=True) if settled(page, c["clip"]) != before
            ]
        finally:
            context.close()
        assert covered == [], (width, query, covered)


# Short inline code among words, so that in any skin some of it reaches the end of a line at 360 px: each one must
# move to the next line whole, never split at its hyphen or space, and take the brackets around it along (a lone "("
# or ")." at a line's edge). A token longer than the line may still break.
SHORT_CODE = "/echo " + " ".join(
    f"{'word ' * (i % 4)}(`{token}`)." for i, token in enumerate(["RT-2048-XK", "npm install", "git-lfs", "a-b-c"] * 5)
)
LONG_TOKEN = "x" * 120

CODE_LINES = """() => {
  const answer = [...document.querySelectorAll('[data-cs-answer]')].pop();
  const middle = (r) => (r.top + r.bottom) / 2;
  // The middle of the visible character of `node` at its start or end (a word joiner has no width), or null.
  const touching = (node, atEnd) => {
    if (!node || node.nodeType !== 3) return null;
    const at = [...node.data].map((c, i) => i).filter((i) => node.data[i] !== '\u2060');
    const i = atEnd ? at.pop() : at[0];
    if (i === undefined || /\\s/.test(node.data[i])) return null;
    const r = document.createRange();
    r.setStart(node, i);
    r.setEnd(node, i + 1);
    return middle(r.getClientRects()[0]);
  };
  return [...answer.querySelectorAll('code')].map((code) => {
    const range = document.createRange();
    range.selectNodeContents(code);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    const tops = new Set(rects.map((r) => Math.round(r.top)));
    const box = answer.getBoundingClientRect(), own = code.getBoundingClientRect();
    const before = touching(code.previousSibling, true), after = touching(code.nextSibling, false);
    const apart = (y, r) => y !== null && Math.abs(y - middle(r)) > 8;
    return {
      text: code.textContent,
      lines: tops.size,
      inside: own.left >= box.left - 1 && own.right <= box.right + 1,
      alone: apart(before, rects[0]) || apart(after, rects[rects.length - 1]),
    };
  });
}"""


@pytest.mark.parametrize("name", NAMES)
def test_inline_code_breaks_only_where_it_must_on_a_phone(tabs, harbor_host, name):
    with tabs.tab(viewport={"width": 360, "height": 740}, **PHONE) as page:
        chat = Chat(page, harbor_host).open(HOOK, f"/{name}")
        chat.send(f"{SHORT_CODE} and `{LONG_TOKEN}`")
        codes = chat.page.evaluate(CODE_LINES)
    assert len(codes) == 21, codes
    *short, long = codes
    assert [c for c in short if c["lines"] != 1] == [], short
    assert [c["text"] for c in short if c["alone"]] == [], short
    # The long token wraps inside the answer instead of running out of it.
    assert long["lines"] > 1 and long["inside"], long
