"""Per-language operator texts: `Hello! || ja: こんにちは || de: Hallo` (pure)."""

from __future__ import annotations

import pytest

from chat_skins.settings import parse_settings
from chat_skins.variants import parse_variants, pick_variant

FIELD = "Hello! || ja: こんにちは || de: Hallo || pt: Olá || zh-TW: 你好"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Hello!"),
        ("ja", "こんにちは"),
        ("de", "Hallo"),
        ("fr", "Hello!"),  # missing: the default
        ("pt-PT", "Olá"),  # no pt-PT variant: the base language's
        ("pt-BR", "Olá"),
        ("zh-Hant", "你好"),
        ("zh-Hans", "你好"),  # base language zh
    ],
)
def test_pick_by_exact_tag_then_base_language_then_default(lang, expected):
    assert pick_variant(FIELD, lang) == expected


def test_exact_tag_beats_base_language():
    text = "Hi || pt: Olá (Brasil) || pt-PT: Olá (Portugal)"
    assert pick_variant(text, "pt-PT") == "Olá (Portugal)"
    assert pick_variant(text, "pt-BR") == "Olá (Brasil)"


def test_tags_are_case_insensitive_and_the_default_may_come_later():
    assert pick_variant("JA: やあ || Hi there || DE-at: Servus", "ja") == "やあ"
    assert pick_variant("JA: やあ || Hi there || DE-at: Servus", "de") == "Servus"
    assert pick_variant("JA: やあ || Hi there || DE-at: Servus", "ko") == "Hi there"


def test_all_tagged_the_first_is_the_default():
    assert pick_variant("ja: やあ || de: Hallo", "ko") == "やあ"


def test_stray_separators():
    assert parse_variants("Hello ||") == ("Hello", ())
    assert parse_variants("|| ja: やあ ||  || Hello") == ("Hello", (("ja", "ja", "やあ"),))
    assert pick_variant("||", "en") == ""
    assert pick_variant("Hello || ja:   ", "ja") == "Hello"  # an empty variant is no variant


def test_a_word_before_a_colon_that_is_not_a_language_is_text():
    assert parse_variants("Note: we reply within a day || ja: 一日以内に返信します") == (
        "Note: we reply within a day",
        (("ja", "ja", "一日以内に返信します"),),
    )
    assert pick_variant("FAQ: read first || xx: nothing", "en") == "FAQ: read first"
    # Without `||` nothing is parsed: a greeting that starts with "Hi:" stays whole.
    assert pick_variant("Hi: welcome!", "hi") == "Hi: welcome!"


def test_settings_resolve_each_field_and_questions_split_inside_variants():
    s = parse_settings(
        {
            "welcome_message": "Welcome || de: Willkommen",
            "suggested_questions": "One | Two || de: Eins|Zwei|",
            "placeholder": "Ask || de: Fragen Sie",
        }
    )
    assert s.texts_for("de") == ("Willkommen", ("Eins", "Zwei"), "Fragen Sie")
    assert s.texts_for("fr") == ("Welcome", ("One", "Two"), "Ask")
    assert s.suggested_questions == ("One", "Two")
