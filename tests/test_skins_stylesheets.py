"""Stylesheet rules: small files, and start/end (logical) properties so every page mirrors in right-to-left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "static" / "css"
STYLESHEETS = sorted(CSS.rglob("*.css"))
MAX_LINES = 450

# Places where left/right is truly physical, as (file, declaration). Each needs a reason.
ALLOWED = {
    # Centering a floating pill: left 50% with translateX(-50%) is the same in both directions.
    ("base/70-composer.css", "left: 50%"),
    ("gallery.css", "left: 50%"),
}

PHYSICAL_PROPERTY = re.compile(
    r"^(?:(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)(?:-[a-z]+)?"
    r"|border-(?:top|bottom)-(?:left|right)-radius|left|right)$"
)
PHYSICAL_VALUE = {"text-align", "float", "clear"}
# Shorthands whose four values go top, right, bottom, left (or, for radii, corner by corner).
BOX_SHORTHANDS = {"margin", "padding", "inset", "border-width", "border-style", "border-color", "scroll-margin"}


def values(text: str) -> list[str]:
    """Space-separated values, keeping parenthesised groups (calc, var, max) whole."""
    out, depth, current = [], 0, ""
    for ch in text.strip():
        depth += ch == "("
        depth -= ch == ")"
        if ch.isspace() and depth == 0:
            if current:
                out.append(current)
            current = ""
        else:
            current += ch
    return out + ([current] if current else [])


def mirror_asymmetric(prop: str, value: str) -> bool:
    """True when a shorthand gives left and right different values, so its meaning depends on direction."""
    if prop in BOX_SHORTHANDS:
        parts = values(value)
        return len(parts) == 4 and parts[1] != parts[3]
    if prop == "border-radius":
        for side in value.split("/"):
            parts = values(side)
            # Corners go top-left, top-right, bottom-right, bottom-left; mirroring swaps them in pairs.
            if len(parts) == 3:
                parts = [*parts, parts[1]]
            full = (parts * 4)[:4] if len(parts) in (1, 2, 4) else parts
            if len(full) == 4 and (full[0] != full[1] or full[2] != full[3]):
                return True
    return False


def declarations(css: str):
    """(line number, property, value) of each declaration, comments left out."""
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css, flags=re.S)
    for match in re.finditer(r"(?<![\w-])([a-z-]+)\s*:\s*([^;{}]+?)\s*(?=;|})", css):
        line = css.count("\n", 0, match.start()) + 1
        yield line, match.group(1), match.group(2)


def physical(css: str) -> list[tuple[int, str]]:
    """Declarations that say left or right where start or end is meant."""
    found = []
    for line, prop, value in declarations(css):
        if prop.startswith("--"):
            continue
        is_physical = (
            PHYSICAL_PROPERTY.match(prop)
            or (prop in PHYSICAL_VALUE and re.fullmatch(r"left|right", value))
            or mirror_asymmetric(prop, value)
        )
        if is_physical:
            found.append((line, f"{prop}: {value}"))
    return found


def test_the_checker_finds_physical_declarations():
    css = """.a { margin-left: 1px; padding-right: 0; left: 0; right: 2px; text-align: right; float: left; }
    .b { border-left: 1px solid; border-top-left-radius: 4px; padding: 1px 2px 3px 4px; border-radius: 4px 0 0 0; }
    .c { margin-inline-start: 1px; text-align: start; padding: 1px 2px 3px 2px; border-radius: 16px 16px 0 0;
         padding: calc(1px + 2px) 4px; float: inline-start; inset: 0; --x: left; }"""
    assert [d for _, d in physical(css)] == [
        "margin-left: 1px",
        "padding-right: 0",
        "left: 0",
        "right: 2px",
        "text-align: right",
        "float: left",
        "border-left: 1px solid",
        "border-top-left-radius: 4px",
        "padding: 1px 2px 3px 4px",
        "border-radius: 4px 0 0 0",
    ]


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: str(p.relative_to(CSS)))
def test_stylesheet_is_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: str(p.relative_to(CSS)))
def test_stylesheet_uses_logical_properties(path):
    rel = path.relative_to(CSS).as_posix()
    found = [(line, decl) for line, decl in physical(path.read_text(encoding="utf-8")) if (rel, decl) not in ALLOWED]
    assert found == [], f"{rel}: use start/end (logical) properties, or explain the exception in ALLOWED"


def test_every_stylesheet_is_checked():
    names = {p.relative_to(CSS).as_posix() for p in STYLESHEETS}
    assert {"gallery.css", "base/00-tokens.css", "skins/minimal.css"} <= names
    assert all(f in names for f, _ in ALLOWED)
