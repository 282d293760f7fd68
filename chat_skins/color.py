"""Accent colors that stay readable: WCAG 2.x contrast math and AA-safe variants of one hex color."""

from __future__ import annotations

import re

AA = 4.5
WHITE = "#ffffff"
BLACK = "#000000"
# Links and accent text on dark skins sit on surfaces up to about this light; passing here passes
# on every darker background too, because contrast grows as the background darkens.
NEAR_BLACK = "#24262d"

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

RGB = tuple[int, int, int]


def parse_hex(value: str) -> RGB | None:
    """`#abc` or `#aabbcc` (hash optional) as an RGB triple; None when it is not a hex color."""
    if not isinstance(value, str):
        return None
    match = _HEX.match(value.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    """Lowercase `#rrggbb`."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two colors, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _mix(rgb: RGB, toward: RGB, t: float) -> RGB:
    return tuple(round(c + (d - c) * t) for c, d in zip(rgb, toward, strict=True))  # type: ignore[return-value]


def adjust_until(rgb: RGB, toward: RGB, against: RGB, ratio: float = AA) -> RGB:
    """The smallest shift of `rgb` toward `toward` that reaches `ratio` against `against`."""
    if contrast(rgb, against) >= ratio:
        return rgb
    # Contrast changes monotonically along the mix, so bisect the mix amount; 1.0 is the target itself.
    lo, hi = 0.0, 1.0
    for _ in range(24):
        mid = (lo + hi) / 2
        if contrast(_mix(rgb, toward, mid), against) >= ratio:
            hi = mid
        else:
            lo = mid
    return _mix(rgb, toward, hi)


def accent_palette(value: str) -> dict[str, str] | None:
    """AA-safe colors derived from one accent; None when `value` is not a hex color.

    accent/onAccent: button fill and its text (>= 4.5:1); accentText: the accent as text on white;
    accentTextDark: the accent as text on near-black backgrounds.
    """
    rgb = parse_hex(value)
    if rgb is None:
        return None
    white, black = parse_hex(WHITE), parse_hex(BLACK)
    assert white is not None and black is not None
    # White text reads as the "designed" choice on most brand colors, so prefer it when it passes.
    if contrast(rgb, white) >= AA:
        accent, on = rgb, white
    elif contrast(rgb, black) >= AA:
        accent, on = rgb, black
    else:
        # Unreachable with pure black and white (one of them always gives >= 4.58), kept so a change
        # of text colors can never produce an unreadable pair.
        on = white if contrast(rgb, white) >= contrast(rgb, black) else black
        accent = adjust_until(rgb, black if on == white else white, on)
    near_black = parse_hex(NEAR_BLACK)
    assert near_black is not None
    return {
        "accent": to_hex(accent),
        "onAccent": to_hex(on),
        "accentText": to_hex(adjust_until(rgb, black, white)),
        "accentTextDark": to_hex(adjust_until(rgb, white, near_black)),
    }
