"""Endpoint settings: every value validated, every bad value falls back to its default (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chat_skins.settings import DEFAULT_SKIN, MAX_SUGGESTIONS, Settings, SettingsError, parse_settings

UUID = "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e"


def test_defaults():
    s = parse_settings({})
    assert s == Settings()
    assert s.skin == DEFAULT_SKIN and s.language == "auto"
    assert s.show_sources is True and s.show_progress is True and s.show_tool_details is False
    assert s.allowed_origins is None
    with pytest.raises(SettingsError):
        s.require_app()


@pytest.mark.parametrize(
    ("value", "app_id", "inputs"),
    [
        ({"app_id": UUID, "inputs": {"a": 1}, "files": []}, UUID, {"a": 1}),
        # Only UUIDs: a slug is a misconfiguration, never sent to Dify.
        ({"app_id": "demo-chat"}, None, {}),
        (UUID, UUID, {}),
        ({"app_id": 5}, None, {}),
        ({"app_id": ["demo-chat"]}, None, {}),
        ({"app_id": "Not An Id!"}, None, {}),
        ({"app_id": ""}, None, {}),
        ({"inputs": {"a": 1}}, None, {"a": 1}),
        ({"app_id": UUID, "inputs": "x"}, UUID, {}),
        (None, None, {}),
        (12, None, {}),
    ],
)
def test_app_selector_values(value, app_id, inputs):
    s = parse_settings({"app": value})
    assert s.app_id == app_id
    assert s.app_inputs == inputs


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({"skin": "minimal"}, "skin", "minimal"),
        ({"skin": "nope"}, "skin", DEFAULT_SKIN),
        ({"skin": ["minimal"]}, "skin", DEFAULT_SKIN),
        ({"language": "ja"}, "language", "ja"),
        ({"language": "JA"}, "language", "auto"),
        ({"language": "<x>"}, "language", "auto"),
        ({"accent_color": "#2563EB"}, "accent_color", "#2563eb"),
        ({"accent_color": "#abc"}, "accent_color", "#abc"),
        ({"accent_color": "red"}, "accent_color", ""),
        ({"accent_color": "#fff;}body{x:y}"}, "accent_color", ""),
        ({"accent_color": "expression(alert(1))"}, "accent_color", ""),
        (
            {"avatar_url": "https://cdn.example.com/a.png?size=64"},
            "avatar_url",
            "https://cdn.example.com/a.png?size=64",
        ),
        ({"avatar_url": "http://cdn.example.com/a.png"}, "avatar_url", ""),
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url", ""),
        ({"avatar_url": "data:image/svg+xml,<svg onload=alert(1)>"}, "avatar_url", ""),
        ({"avatar_url": 'https://x.example/a.png" onerror="alert(1)'}, "avatar_url", ""),
        ({"avatar_url": "https://user:pw@x.example/a.png"}, "avatar_url", ""),
        ({"show_sources": False}, "show_sources", False),
        ({"show_sources": "false"}, "show_sources", False),
        ({"show_sources": "maybe"}, "show_sources", True),
        ({"show_progress": 0}, "show_progress", False),
        ({"show_tool_details": "true"}, "show_tool_details", True),
        ({"bot_name": "  Ava\x00\x07  "}, "bot_name", "Ava"),
        ({"bot_name": "x" * 500}, "bot_name", "x" * 80),
        ({"bot_name": 42}, "bot_name", ""),
        ({"welcome_message": "line 1\nline 2"}, "welcome_message", "line 1\nline 2"),
        ({"placeholder": "Ask me"}, "placeholder", "Ask me"),
        ({"footer_text": "Powered by us"}, "footer_text", "Powered by us"),
        ({"access_code": " s3cret "}, "access_code", "s3cret"),
    ],
)
def test_each_setting_validates(raw, field, expected):
    assert getattr(parse_settings(raw), field) == expected


def test_suggested_questions():
    s = parse_settings({"suggested_questions": " One | | Two |Three"})
    assert s.suggested_questions == ("One", "Two", "Three")
    many = "|".join(f"q{i}" for i in range(20))
    assert len(parse_settings({"suggested_questions": many}).suggested_questions) == MAX_SUGGESTIONS
    assert parse_settings({"suggested_questions": ["a"]}).suggested_questions == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("*", None),
        ("none", ()),
        ("NONE", ()),
        ("https://a.example", ("https://a.example",)),
        ("https://a.example/, https://a.example http://localhost:3000", ("https://a.example", "http://localhost:3000")),
        ("https://*.example.com", ("https://*.example.com",)),
        ("ftp://a.example javascript:x", ()),
        ("https://a.example 'unsafe-inline'", ("https://a.example",)),
    ],
)
def test_allowed_origins(raw, expected):
    assert parse_settings({"allowed_origins": raw}).allowed_origins == expected


@given(
    st.dictionaries(st.sampled_from(list(Settings.__dataclass_fields__) + ["app"]), st.from_type(object) | st.text())
)
def test_never_raises(raw):
    assert isinstance(parse_settings(raw), Settings)


@pytest.mark.parametrize("raw", [None, [], "x", 5])
def test_non_mapping_settings(raw):
    assert parse_settings(raw) == Settings()


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({}, "custom_css", ""),
        ({"custom_css": "  :root{--cs-accent:red}  "}, "custom_css", ":root{--cs-accent:red}"),
        ({"custom_css": ["x"]}, "custom_css", ""),
        ({"custom_css": 12}, "custom_css", ""),
        ({"logo_url": "https://cdn.example.com/logo.svg"}, "logo_url", "https://cdn.example.com/logo.svg"),
        ({"logo_url": "http://cdn.example.com/logo.svg"}, "logo_url", ""),
        ({"logo_url": 'https://x.example/a.png" onerror="alert(1)'}, "logo_url", ""),
        ({"logo_url": "javascript:alert(1)"}, "logo_url", ""),
        ({}, "show_timestamps", True),
        ({"show_timestamps": "false"}, "show_timestamps", False),
        ({"show_timestamps": False}, "show_timestamps", False),
        ({"show_timestamps": "nope"}, "show_timestamps", True),
        ({}, "conversation_memory", "browser"),
        ({"conversation_memory": "tab"}, "conversation_memory", "tab"),
        ({"conversation_memory": "none"}, "conversation_memory", "none"),
        ({"conversation_memory": "TAB"}, "conversation_memory", "browser"),
        ({"conversation_memory": None}, "conversation_memory", "browser"),
        ({"conversation_memory": ["none"]}, "conversation_memory", "browser"),
    ],
)
def test_operator_settings(raw, field, expected):
    assert getattr(parse_settings(raw), field) == expected


def test_custom_css_is_read_bounded():
    assert len(parse_settings({"custom_css": "a" * 200_000}).custom_css) == 64 * 1024
