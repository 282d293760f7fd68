"""Every pair of skins looks different: after the same chat turn at 1280x800, in light and in dark, at least
12 % of the pixels differ perceptibly (scripts/pixel_diff.py measures; `python -m scripts.pixel_diff` prints the
matrices for docs/skins.md)."""

from __future__ import annotations

import pytest

from chat_skins.skins import SKINS
from scripts.pixel_diff import MIN_SHARE, measure, too_close
from tests.support.hooks import DEMO_HOOK

pytestmark = pytest.mark.browser

NAMES = [s.name for s in SKINS]
# Pairs among the nine older skins that do not reach the minimum yet (issue 12 item 3, theirs to fix); the list only
# shrinks: a pair that passes must leave it (the last assertion). Every pair with a newer skin must pass.
KNOWN_CLOSE = {
    "light minimal/kawaii",
    "light minimal/seoul",
    "light kawaii/seoul",
    "light kawaii/western",
    "dark minimal/kawaii",
    "dark minimal/western",
    "dark minimal/terminal",
    "dark minimal/letter",
    "dark kawaii/seoul",
    "dark kawaii/western",
    "dark kawaii/letter",
    "dark seoul/western",
    "dark seoul/letter",
    "dark western/terminal",
    "dark western/letter",
    "dark terminal/letter",
}


def test_every_pair_of_skins_differs_in_light_and_dark(browser, host):
    result = measure(browser, lambda name, theme: host.url(DEMO_HOOK, f"/{name}?preview=1&theme={theme}"), NAMES)
    assert set(result) == {"light", "dark"}
    pairs = len(NAMES) * (len(NAMES) - 1) // 2
    assert all(len(shares) == pairs for shares in result.values())
    # The measure can tell two skins apart at all: no pair is pixel-identical.
    assert all(share > 0 for shares in result.values() for share in shares.values())
    failing = {line.split(":")[0] for line in too_close(result)}
    assert failing <= KNOWN_CLOSE, f"under {MIN_SHARE:.0%}: {sorted(failing - KNOWN_CLOSE)}"
    assert not KNOWN_CLOSE - failing, f"now distinct, remove from KNOWN_CLOSE: {sorted(KNOWN_CLOSE - failing)}"
