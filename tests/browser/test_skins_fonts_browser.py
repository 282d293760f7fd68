"""Each skin renders in its bundled type: under the page's real CSP, document.fonts holds every face the skin
ships, loaded, and the page's text names the skin's face first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chat_skins.skins import SKINS
from tests.support.hooks import DEMO_HOOK

pytestmark = pytest.mark.browser

# The faces the build put at the head of the skin's stylesheet (scripts/fonts.mjs).
BUILT = Path(__file__).resolve().parents[2] / "static" / "gen" / "skins"
FAMILY = re.compile(r'@font-face\s*\{font-family:\s*"([^"]+)"')

LOADED = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map((f) => [f.family.replace(/^["']|["']$/g, ''), f.style, f.status]);
}"""


def families(name: str) -> list[str]:
    return sorted(set(FAMILY.findall((BUILT / f"{name}.css").read_text(encoding="utf-8"))))


@pytest.mark.parametrize("name", [s.name for s in SKINS])
def test_skin_renders_in_its_bundled_type(browser, host, name):
    expected = families(name)
    if not expected:
        pytest.skip(f"{name} uses the system's type by design (docs/skins.md)")
    # No bypass_csp: the fonts must load under the page's own font-src.
    ctx = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    try:
        page = ctx.new_page()
        response = page.goto(host.url(DEMO_HOOK, f"/{name}?preview=1&theme=light"))
        assert response is not None and response.status == 200
        page.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")
        faces = page.evaluate(LOADED)
        for family in expected:
            states = [status for fam, _style, status in faces if fam == family]
            assert states, f"{family} is not declared on the page"
            assert "loaded" in states, f"{family}: {states} (a face the skin ships but never uses, or blocked)"
        body = page.evaluate("getComputedStyle(document.body).fontFamily")
        title = page.evaluate("getComputedStyle(document.querySelector('.cs-header .cs-title')).fontFamily")
        first = {body.split(",")[0].strip().strip('"'), title.split(",")[0].strip().strip('"')}
        assert first & set(expected), (body, title)
    finally:
        ctx.close()
