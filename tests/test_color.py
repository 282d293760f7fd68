"""Accent colors: WCAG contrast math and AA-safe variants (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chat_skins.color import AA, NEAR_BLACK, accent_palette, adjust_until, contrast, luminance, parse_hex, to_hex

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


def test_parse_hex_accepts_short_and_long_forms():
    assert parse_hex("#abc") == (0xAA, 0xBB, 0xCC)
    assert parse_hex("#2563EB") == (0x25, 0x63, 0xEB)
    assert parse_hex("2563eb") == (0x25, 0x63, 0xEB)


@pytest.mark.parametrize(
    "bad", ["", "#12", "#12345", "#1234567", "red", "#ggg", "#fff;}body{", "url(x)", None, 12, "#fff\n}"]
)
def test_parse_hex_rejects_everything_else(bad):
    assert parse_hex(bad) is None
    assert accent_palette(bad) is None


def test_known_contrast_values():
    assert contrast(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast(WHITE, WHITE) == pytest.approx(1.0)
    # #767676 is the classic lightest grey that passes AA on white.
    assert contrast(parse_hex("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert luminance(BLACK) == 0.0


def test_blue_keeps_white_text_and_is_unchanged():
    palette = accent_palette("#2563eb")
    assert palette == {
        "accent": "#2563eb",
        "onAccent": "#ffffff",
        "accentText": "#2563eb",
        "accentTextDark": palette["accentTextDark"],
    }
    assert contrast(parse_hex(palette["accentTextDark"]), parse_hex(NEAR_BLACK)) >= AA


def test_yellow_gets_black_text_and_a_darker_text_variant():
    palette = accent_palette("#FFD400")
    assert palette["accent"] == "#ffd400"
    assert palette["onAccent"] == "#000000"
    assert palette["accentText"] != "#ffd400"
    assert contrast(parse_hex(palette["accentText"]), WHITE) >= AA
    # Only as much darker as needed: a little less would fail.
    assert contrast(parse_hex(palette["accentText"]), WHITE) < AA + 0.3


def test_adjust_until_returns_input_when_it_already_passes():
    assert adjust_until((0, 0, 0), WHITE, WHITE) == (0, 0, 0)


def test_to_hex_round_trips():
    assert to_hex(parse_hex("#0a0B0c")) == "#0a0b0c"


@given(st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)))
def test_every_color_yields_aa_pairs(rgb):
    palette = accent_palette(to_hex(rgb))
    assert palette is not None
    assert contrast(parse_hex(palette["accent"]), parse_hex(palette["onAccent"])) >= AA
    assert contrast(parse_hex(palette["accentText"]), WHITE) >= AA
    assert contrast(parse_hex(palette["accentTextDark"]), parse_hex(NEAR_BLACK)) >= AA
    assert contrast(parse_hex(palette["accentTextDark"]), (0x11, 0x13, 0x18)) >= AA
    assert all(len(v) == 7 and v.startswith("#") for v in palette.values())
