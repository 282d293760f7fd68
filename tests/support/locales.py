"""The interface catalogues (locales/*.json), so tests expect exactly what a visitor is meant to read."""

from __future__ import annotations

import json
from functools import cache

from tests.support.fixtures import REPO_ROOT

LOCALES = REPO_ROOT / "locales"
RTL = frozenset({"ar", "fa", "he"})


def languages() -> list[str]:
    """Every interface language, English first."""
    tags = sorted(p.stem for p in LOCALES.glob("*.json"))
    return ["en"] + [t for t in tags if t != "en"]


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def text(lang: str, key: str, **values: str) -> str:
    """The catalogue's text for `key` in `lang`, placeholders filled."""
    out = catalogue(lang)[key]
    for name, value in values.items():
        out = out.replace("{" + name + "}", value)
    return out
