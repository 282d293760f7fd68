"""Per-language operator texts: `Hello! || ja: こんにちは || de: Hallo` in one settings field.

Only a field holding `||` has variants. Each `||`-separated segment that starts with `<tag>:` for a
language we have a catalogue for (any region or script: `de-AT`, `zh-TW`, `pt`) is that language's
variant; the first untagged segment is the default (else the first variant). A word before a colon
that names no such language (`Note: ...`) is plain text, not a tag.
"""

from __future__ import annotations

import re
from functools import lru_cache

from chat_skins.language import match_language

SEPARATOR = "||"
_TAGGED = re.compile(r"^([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3})\s*:\s*(.*)$", re.DOTALL)


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0]


@lru_cache(maxsize=256)
def parse_variants(text: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """(default text, ((catalogue tag, primary subtag, text), ...)) of a field's value."""
    if SEPARATOR not in text:
        return text.strip(), ()
    default: str | None = None
    tagged: list[tuple[str, str, str]] = []
    for segment in (s.strip() for s in text.split(SEPARATOR)):
        if not segment:
            continue  # a stray separator
        match = _TAGGED.match(segment)
        lang = match_language(match.group(1)) if match else None
        if match and lang:
            body = match.group(2).strip()
            if body:
                tagged.append((lang, _primary(match.group(1).lower().replace("_", "-")), body))
        elif default is None:
            default = segment
    if default is None:
        default = tagged[0][2] if tagged else ""
    return default, tuple(tagged)


@lru_cache(maxsize=1024)
def pick_variant(text: str, lang: str) -> str:
    """The text for the page language `lang`: its exact variant, then its base language's, then the default."""
    default, tagged = parse_variants(text)
    for tag, _primary_tag, body in tagged:
        if tag == lang:
            return body
    primary = _primary(lang.lower())
    for _tag, primary_tag, body in tagged:
        if primary_tag == primary:
            return body
    return default
