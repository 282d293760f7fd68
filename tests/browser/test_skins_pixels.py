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


def test_every_pair_of_skins_differs_in_light_and_dark(browser, host):
    result = measure(browser, lambda name, theme: host.url(DEMO_HOOK, f"/{name}?preview=1&theme={theme}"), NAMES)
    assert set(result) == {"light", "dark"}
    pairs = len(NAMES) * (len(NAMES) - 1) // 2
    assert all(len(shares) == pairs for shares in result.values())
    # The measure can tell two skins apart at all: no pair is pixel-identical.
    assert all(share > 0 for shares in result.values() for share in shares.values())
    close = too_close(result)
    assert not close, f"under {MIN_SHARE:.0%}: {close}"
