"""How different the skins look: each skin after one chat turn (the preview conversation, the same for all) at
1280x800, in light and in dark, and the share of pixels that differ for every pair of skins.

`python -m scripts.pixel_diff` prints the two pair matrices as Markdown and exits 1 when a pair differs in fewer
than 12 % of its pixels; tests/browser/test_skins_pixels.py runs the same measurement in the test suite.
"""

from __future__ import annotations

import base64
import itertools
import sys
from collections.abc import Callable

from chat_skins.skins import SKINS

VIEWPORT = {"width": 1280, "height": 800}
THEMES = ("light", "dark")
MIN_SHARE = 0.12
# A pixel differs when its colours are apart by more than this share of the largest perceptual distance
# (squared distance in the YIQ space, which weighs brightness over hue the way eyes do): two near-identical
# tints (#fff vs #f4f4f4, #111 vs #1b1b1b) are the same picture to a visitor, a grey bubble on white is not.
PERCEPTUAL_DELTA = 0.1

# Decodes the screenshots once, then counts differing pixels for every pair, all inside the browser.
COMPARE = """async ([images, share]) => {
  // The largest distance (black against white) is about 35215.
  const limit = 35215 * share * share;
  const data = [];
  for (const src of images) {
    const img = new Image();
    img.src = 'data:image/png;base64,' + src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    data.push(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
  }
  const out = [];
  for (let a = 0; a < data.length; a++) {
    for (let b = a + 1; b < data.length; b++) {
      const x = data[a], y = data[b];
      let differ = 0;
      for (let i = 0; i < x.length; i += 4) {
        const r = x[i] - y[i], g = x[i + 1] - y[i + 1], b = x[i + 2] - y[i + 2];
        if (r === 0 && g === 0 && b === 0) continue;
        const luma = 0.2989 * r + 0.5866 * g + 0.1145 * b;
        const inPhase = 0.596 * r - 0.2742 * g - 0.3218 * b;
        const quad = 0.2115 * r - 0.5226 * g + 0.3111 * b;
        if (0.5053 * luma * luma + 0.299 * inPhase * inPhase + 0.1957 * quad * quad > limit) differ++;
      }
      out.push(differ / (x.length / 4));
    }
  }
  return out;
}"""

SETTLED = """async () => {
  await document.fonts.ready;
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
}"""


def render(page, url: Callable[[str, str], str], names: list[str], theme: str) -> dict[str, bytes]:
    """One 1280x800 screenshot per skin of the finished preview turn in `theme`."""
    shots = {}
    for name in names:
        response = page.goto(url(name, theme))
        assert response is not None and response.status == 200, (name, response and response.status)
        page.wait_for_selector(".cs-msg-bot [data-cs-actions]:not([hidden])")
        page.evaluate(SETTLED)
        shots[name] = page.screenshot(type="png")
    return shots


def compare(page, shots: dict[str, bytes]) -> dict[tuple[str, str], float]:
    """{(a, b): share of pixels that differ} for every pair of the screenshots."""
    names = list(shots)
    page.goto("about:blank")
    images = [base64.b64encode(shots[n]).decode() for n in names]
    shares = page.evaluate(COMPARE, [images, PERCEPTUAL_DELTA])
    return dict(zip(itertools.combinations(names, 2), shares, strict=True))


def measure(browser, url: Callable[[str, str], str], names: list[str]) -> dict[str, dict[tuple[str, str], float]]:
    """{theme: {(a, b): share}} for every pair of `names`, light and dark."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", reduced_motion="reduce")
    try:
        page = ctx.new_page()
        return {theme: compare(page, render(page, url, names, theme)) for theme in THEMES}
    finally:
        ctx.close()


def too_close(result: dict[str, dict[tuple[str, str], float]]) -> list[str]:
    """The pairs under MIN_SHARE, as `theme a/b: 7.1%`."""
    return [
        f"{theme} {a}/{b}: {share:.1%}"
        for theme, pairs in result.items()
        for (a, b), share in pairs.items()
        if share < MIN_SHARE
    ]


def table(names: list[str], pairs: dict[tuple[str, str], float]) -> str:
    """A Markdown matrix of percentages (upper triangle); pairs under the minimum in bold."""
    lines = ["| | " + " | ".join(names) + " |", "| --- " * (len(names) + 1) + "|"]
    for i, a in enumerate(names):
        cells = []
        for j, b in enumerate(names):
            if j <= i:
                cells.append("")
                continue
            share = pairs[(a, b)]
            text = f"{share * 100:.0f}"
            cells.append(f"**{text}**" if share < MIN_SHARE else text)
        lines.append(f"| {a} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    import logging

    from playwright.sync_api import sync_playwright

    from localdify import Host
    from tests.support.chromium import launch, missing_reason

    if missing_reason():
        raise SystemExit(missing_reason())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    names = sys.argv[1:] or [s.name for s in SKINS]
    config = {
        "apps": {"demo-chat": {"backend": "demo"}},
        "endpoints": [{"name": "Pixels", "settings": {"app": {"app_id": "demo-chat", "inputs": {}, "files": []}}}],
    }
    with Host(config) as host, sync_playwright() as pw:
        hook = host.config.endpoints[0].hook_id
        browser = launch(pw)
        result = measure(browser, lambda name, theme: host.url(hook, f"/{name}?preview=1&theme={theme}"), names)
        browser.close()
    for theme, pairs in result.items():
        print(f"\n{theme}: % of pixels that differ (bold: under {MIN_SHARE:.0%})\n")
        print(table(names, pairs))
    failing = too_close(result)
    if failing:
        print("\ntoo close: " + ", ".join(failing))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
