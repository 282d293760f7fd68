"""The language decided once on the server: matching, order of choice, catalogues (pure)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from chat_skins.language import (
    LANGUAGES,
    catalogue,
    direction,
    match_language,
    page_strings,
    prefixed,
    resolve_language,
    resolve_theme,
)
from chat_skins.settings import parse_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("EN-us", "en"),
        ("en_GB", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh_Hans", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-Hant-CN", "zh-Hant"),
        ("zh-Hans-HK", "zh-Hans"),
        ("pt", "pt-BR"),
        ("pt-br", "pt-BR"),
        ("pt-PT", "pt-PT"),
        ("pt-AO", "pt-PT"),
        ("pt_mz", "pt-PT"),
        ("de-AT", "de"),
        ("es-419", "es"),
        ("fr-CA", "fr"),
        ("he-IL", "he"),
        ("sl", "sl"),
        ("xx", None),
        ("fil", None),
        ("", None),
        ("<script>", None),
        (None, None),
        ("a" * 40, None),
    ],
)
def test_match_language(tag, expected):
    assert match_language(tag) == expected


def test_order_of_choice():
    assert resolve_language("ja", "ko", "de") == "ja"
    assert resolve_language("auto", "ko", "de") == "ko"
    assert resolve_language("auto", "xx", "xx, de-CH;q=0.8, fr;q=0.9") == "fr"
    assert resolve_language("auto", None, "*, xx") == "en"
    assert resolve_language("auto", None, "de;q=0, it;q=0.5") == "it"
    assert resolve_language("auto", None, None) == "en"


def test_theme_and_direction():
    assert resolve_theme("dark", "light") == "dark"
    assert resolve_theme("auto", "light") == "light"
    assert resolve_theme("auto", "DARK") == "auto"
    assert [lang for lang in LANGUAGES if direction(lang) == "rtl"] == ["ar", "fa", "he"]


def test_registry_is_the_locales_directory():
    assert sorted(LANGUAGES) == sorted(p.stem for p in (ROOT / "locales").glob("*.json"))
    assert len(LANGUAGES) == 25


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_has_every_key(lang):
    english = json.loads((ROOT / "locales" / "en.json").read_text(encoding="utf-8"))
    assert list(catalogue(lang)) == list(english)
    strings = page_strings(lang)
    assert strings and not any(k.startswith(("gallery.", "skin.", "page.", "embed.")) for k in strings)
    assert set(prefixed(lang, "embed.")) == {"openChat", "chatWith", "title", "dismiss", "loadFailed"}


def test_the_language_setting_offers_auto_and_every_catalogue():
    group = yaml.safe_load((ROOT / "group" / "chat-skins.yaml").read_text(encoding="utf-8"))
    setting = next(s for s in group["settings"] if s["name"] == "language")
    assert [o["value"] for o in setting["options"]] == ["auto", *LANGUAGES]
    for lang in LANGUAGES:
        assert parse_settings({"language": lang}).language == lang
    assert parse_settings({"language": "zh-TW"}).language == "auto"
    theme = next(s for s in group["settings"] if s["name"] == "theme")
    assert [o["value"] for o in theme["options"]] == ["auto", "light", "dark"]
    assert parse_settings({"theme": "dark"}).theme == "dark" and parse_settings({"theme": "x"}).theme == "auto"
