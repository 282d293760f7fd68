"""The interface language, decided once on the server, and the catalogues in `locales/`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from chat_skins.web import LOCALES

# Every language with a catalogue, in the order the settings list them, each named in its own words.
NAMES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English",
        "zh-Hans": "简体中文",
        "zh-Hant": "繁體中文",
        "ja": "日本語",
        "ko": "한국어",
        "pt-BR": "Português (Brasil)",
        "pt-PT": "Português (Portugal)",
        "es": "Español",
        "fr": "Français",
        "de": "Deutsch",
        "it": "Italiano",
        "ru": "Русский",
        "uk": "Українська",
        "pl": "Polski",
        "ro": "Română",
        "tr": "Türkçe",
        "vi": "Tiếng Việt",
        "th": "ไทย",
        "id": "Bahasa Indonesia",
        "hi": "हिन्दी",
        "ar": "العربية",
        "fa": "فارسی",
        "he": "עברית",
        "nl": "Nederlands",
        "sl": "Slovenščina",
    }
)
LANGUAGES: tuple[str, ...] = tuple(NAMES)
DEFAULT = "en"
RTL = frozenset(("ar", "fa", "he"))
THEMES = ("light", "dark")

_BY_LOWER = {tag.lower(): tag for tag in LANGUAGES}
# Regions where Chinese is written in Traditional characters.
_HANT_REGIONS = frozenset(("tw", "hk", "mo"))
# Catalogue keys the chat page's client reads: the unprefixed ones and the error states.
_OTHER_PREFIXES = ("gallery.", "skin.", "page.", "embed.", "preview.")


def match_language(tag: Any) -> str | None:
    """The catalogue for a BCP 47 tag (`zh-TW`, `pt_pt`, `de-AT`...), or None when there is none."""
    if not isinstance(tag, str) or not tag or len(tag) > 35:
        return None
    lowered = tag.strip().replace("_", "-").lower()
    parts = lowered.split("-")
    primary, subtags = parts[0], parts[1:]
    if primary == "zh":
        if "hant" in subtags:
            return "zh-Hant"
        if "hans" in subtags:
            return "zh-Hans"
        return "zh-Hant" if _HANT_REGIONS.intersection(subtags) else "zh-Hans"
    if primary == "pt":
        region = next((s for s in subtags if len(s) == 2 or (len(s) == 3 and s.isdigit())), None)
        return "pt-BR" if region in (None, "br") else "pt-PT"
    return _BY_LOWER.get(lowered) or _BY_LOWER.get(primary)


def resolve_language(setting: str, query: Any, accept_language: str | None) -> str:
    """The setting unless `auto`, then `?lang=`, then the browser's languages in order, then English."""
    if setting in NAMES:
        return setting
    return match_language(query) or browser_language(accept_language or "")


@lru_cache(maxsize=256)
def browser_language(accept_language: str) -> str:
    """The first language of an `Accept-Language` header (by quality) that has a catalogue, else English."""
    for tag, quality in parse_accept_header(accept_language, LanguageAccept):
        if quality > 0 and tag != "*":
            chosen = match_language(tag)
            if chosen:
                return chosen
    return DEFAULT


def resolve_theme(setting: str, query: Any) -> str:
    """The `theme` setting unless `auto`, then `?theme=`, else `auto` (the visitor's system decides)."""
    if setting in THEMES:
        return setting
    return query if query in THEMES else "auto"


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The language's catalogue (read once per process); unknown languages get English."""
    if lang not in NAMES:
        lang = DEFAULT
    with open(LOCALES / f"{lang}.json", encoding="utf-8") as f:
        return MappingProxyType(json.load(f))


# The two below hand out one shared dict per language (JSON-serializable): read it, never change it.
@cache
def page_strings(lang: str, preview: bool = False, without: tuple[str, ...] = ()) -> dict[str, str]:
    """The entries the chat page's client uses (unprefixed keys and `err.*`; `preview.*` for previews).

    `without`: prefixes of features the page does not offer (`voice.`, `feedback.`), left out to keep
    the page light.
    """
    return {
        k: v
        for k, v in catalogue(lang).items()
        if (not k.startswith(_OTHER_PREFIXES) or (preview and k.startswith("preview."))) and not k.startswith(without)
    }


@cache
def prefixed(lang: str, prefix: str) -> dict[str, str]:
    """The entries under `prefix` (e.g. `embed.`), with the prefix removed."""
    n = len(prefix)
    return {k[n:]: v for k, v in catalogue(lang).items() if k.startswith(prefix)}
