"""Layout defects found in use, checked in every registered skin: a real bot name fits the header on a phone and in
the embed panel, a new chat opens at its welcome, answer lists and tables read as written."""

from __future__ import annotations

import pytest

from chat_skins.skins import SKINS
from tests.support.chat_page import Chat
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
