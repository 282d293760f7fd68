"""Each skin's stylesheet sets every design token for light and dark, with AA contrast where colors are flat."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chat_skins.color import AA, contrast, parse_hex
from chat_skins.skins import SKINS

ROOT = Path(__file__).resolve().parent.parent
NAMES = [s.name for s in SKINS]

TOKENS = (
    "font font-mono font-size line-height bg surface surface-2 text text-muted border border-width accent on-accent "
    "user-bg user-text bot-bg bot-text bubble-radius bubble-tail radius avatar-size avatar-radius avatar-ring "
    "header-bg header-text shadow gap max-width danger danger-bg success motion"
).split()
# Tokens that change with the theme; the rest (type, shape, spacing) may be set once.
COLOR_TOKENS = "bg surface surface-2 text text-muted border accent on-accent user-bg user-text bot-bg bot-text".split()
# (text, background) pairs that must reach 4.5:1 when both are flat colors.
PAIRS = [
    ("text", "surface"),
    ("text", "surface-2"),
    ("text", "bg"),
    ("text-muted", "surface"),
    ("user-text", "user-bg"),
    ("bot-text", "bot-bg"),
    ("on-accent", "accent"),
    ("header-text", "header-bg"),
    ("accent-text", "surface"),
    ("accent-text", "bot-bg"),
    ("danger", "danger-bg"),
    ("danger", "surface"),
]
DECL = re.compile(r"--cs-([a-z0-9-]+)\s*:\s*([^;]+);")


def block(css: str, selector: str) -> str:
    start = css.index(selector + " {")
    return css[start : css.index("}", start)]


def tokens(css_block: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in DECL.finditer(css_block)}


def base_defaults() -> dict[str, str]:
    """The defaults the base stylesheet gives every token (a skin overrides what it wants)."""
    return tokens(block((ROOT / "static" / "css" / "base" / "00-tokens.css").read_text(encoding="utf-8"), ":root"))


def themes(name: str) -> dict[str, dict[str, str]]:
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    light = base_defaults() | tokens(block(css, ":root"))
    # The dark palette is written once; the build copies it for the system's dark scheme (scripts/css-dark.mjs).
    dark = tokens(block(css, ':root[data-theme="dark"]'))
    # Links and focus use --cs-accent-text, which is the accent unless the skin sets a readable shade.
    light.setdefault("accent-text", "var(--cs-accent)")
    return {"light": light, "dark": light | dark}


def flat(value: str, table: dict[str, str], depth: int = 0) -> tuple[int, int, int] | None:
    """The RGB of a flat `#rrggbb` value (following var()), else None."""
    ref = re.fullmatch(r"var\(--cs-([a-z0-9-]+)\)", value)
    if ref and depth < 5:
        return flat(table.get(ref.group(1), ""), table, depth + 1)
    # `var(--cs-accent-text-light, #hex)`: the skin's own shade, used until the server sends one.
    fallback = re.fullmatch(r"var\(--cs-[a-z0-9-]+,\s*(.+)\)", value)
    if fallback and depth < 5:
        return flat(fallback.group(1).strip(), table, depth + 1)
    return parse_hex(value) if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else None


def test_base_defaults_every_token():
    assert not [k for k in TOKENS if k not in base_defaults()]


@pytest.mark.parametrize("name", NAMES)
def test_every_color_token_is_designed_for_both_themes(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    light = tokens(block(css, ":root"))
    dark = tokens(block(css, ':root[data-theme="dark"]'))
    assert not [k for k in COLOR_TOKENS if k not in light], "a skin sets its own colors"
    # Dark is designed, not inherited: colors are restated unless they are references or transparent.
    assert not [k for k in COLOR_TOKENS if k not in dark and "var(" not in light[k] and light[k] != "transparent"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", NAMES)
def test_flat_color_pairs_reach_aa(name, theme):
    table = themes(name)[theme]
    failures = []
    for fg_name, bg_name in PAIRS:
        fg, bg = flat(table[fg_name], table), flat(table[bg_name], table)
        if bg is None and table[bg_name] == "transparent":
            bg = flat(table["surface"], table)
        if fg and bg and contrast(fg, bg) < AA:
            failures.append(f"{fg_name} on {bg_name}: {contrast(fg, bg):.2f}")
    assert not failures, failures


@pytest.mark.parametrize("name", NAMES)
def test_no_remote_resources(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


@pytest.mark.parametrize("name", NAMES)
def test_dark_palette_is_written_once(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme" not in css, "write dark once under :root[data-theme=dark]; the build adds the rest"
    assert css.count(':root[data-theme="dark"] {') == 1


# --- skins set tokens, components read them --------------------------------------------------------------------

RULES_MARK = "/* === rules: what tokens cannot say"
MAX_RULE_LINES = 130


def css_rules(css: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """(selectors, declarations) of every style rule, at any depth of @media and @supports."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, stack, start = [], [], 0
    i = 0
    while i < len(css):
        ch = css[i]
        if ch in "\"'":
            i = css.index(ch, i + 1) + 1
            continue
        if ch == "{":
            stack.append((css[start:i].strip(), i + 1))
            start = i + 1
        elif ch == "}":
            prelude, body_start = stack.pop()
            body = css[body_start:i]
            if not prelude.startswith("@") and "{" not in body:
                decls = [
                    (m.group(1).strip(), m.group(2).strip())
                    for m in re.finditer(r"([-a-z]+)\s*:\s*((?:[^;\"']|\"[^\"]*\"|'[^']*')+)", body)
                ]
                out.append(([s.strip() for s in prelude.split(",")], decls))
            start = i + 1
        elif ch == ";" and not stack or ch == ";" and css[start:i].lstrip().startswith("@"):
            start = i + 1
        i += 1
    return out


def subject(selector: str) -> str:
    """What a selector styles: its last compound with a class (`.cs-chip:hover`), and the element after it if the
    last one has none (`.cs-typing span`); the context before it (`[dir]`, `:root[...]`, `.cs-empty`) is left out."""
    compounds, depth, current = [], 0, ""
    for ch in selector.replace(">", " ").replace("+", " ").replace("~", " "):
        depth += ch == "("
        depth -= ch == ")"
        if ch == " " and depth == 0:
            if current:
                compounds.append(current)
            current = ""
        else:
            current += ch
    compounds.append(current)
    tail = [compounds.pop()]
    while compounds and "." not in tail[0].split("(")[0]:
        tail.insert(0, compounds.pop())
    return " ".join(tail)


def family(prop: str) -> str:
    """Properties that set the same thing count as one: `padding-inline` is `padding`, a corner is `border-radius`."""
    if re.fullmatch(r"border(-[a-z]+)*-radius", prop):
        return "border-radius"
    for head in ("border", "padding", "margin", "background", "inset"):
        if prop == head or prop.startswith(head + "-"):
            return head
    return prop


def tokenized() -> dict[tuple[str, str], str]:
    """(subject, property family) -> the base declaration that reads a token for it."""
    found = {}
    for path in sorted(
        [*(ROOT / "static" / "css" / "base").glob("*.css"), *(ROOT / "static" / "css" / "lazy").glob("*.css")]
    ):
        for selectors, decls in css_rules(path.read_text(encoding="utf-8")):
            for prop, value in decls:
                if not prop.startswith("--") and "var(--cs-" in value:
                    for sel in selectors:
                        found.setdefault((subject(sel), family(prop)), f"{path.name}: {sel} {{ {prop}: {value} }}")
    return found


def overrides(css: str) -> list[str]:
    """Declarations of a skin that set, outside token declarations, a property the base reads from a token."""
    table = tokenized()
    return [
        f"{sel} {{ {prop}: {value} }}  -- the base has {table[(subject(sel), family(prop))]}"
        for selectors, decls in css_rules(css)
        for prop, value in decls
        if not prop.startswith("--")
        for sel in selectors
        if (subject(sel), family(prop)) in table
    ]


def test_the_checker_finds_a_property_that_has_a_token():
    css = """:root { --cs-chip-radius: 4px; }
    .cs-empty .cs-chip, .x { border-top-left-radius: 3px; }
    [dir="rtl"] .cs-composer { padding-inline-start: 0; }
    @media (max-width: 5px) { .cs-title { font-size: 1px; } }
    .cs-chip::before { content: "{;}"; }
    .cs-msg { display: block; }
    """
    assert [o.split("  --")[0] for o in overrides(css)] == [
        ".cs-empty .cs-chip { border-top-left-radius: 3px }",
        '[dir="rtl"] .cs-composer { padding-inline-start: 0 }',
        ".cs-title { font-size: 1px }",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_skin_sets_tokens_not_properties_that_have_one(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    assert overrides(css) == []


@pytest.mark.parametrize("name", NAMES)
def test_skin_rules_are_a_short_marked_section_after_the_tokens(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    tokens_part, _, rules_part = css.partition(RULES_MARK)
    stray = [(s, p) for s, decls in css_rules(tokens_part) for p, _ in decls if not p.startswith("--")]
    assert stray == [], "before the rules mark, a skin only declares tokens"
    assert len(rules_part.splitlines()) <= MAX_RULE_LINES
