"""The page config the client reads from `data-config` (pure, with werkzeug requests)."""

from __future__ import annotations

import json

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.app_form import input_form
from chat_skins.language import page_strings
from chat_skins.origins import origin_allowed, parse_origin
from chat_skins.page_config import build_config, request_variant
from chat_skins.settings import parse_settings
from chat_skins.skins import get_skin
from tests.support.fixtures import PARAMS

APP = {"app_id": "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e", "inputs": {}}
FULL_PARAMS = {
    "opening_statement": "Hi! Ask me about returns.",
    "suggested_questions": ["How do I return an item?", "", 7, "Do you ship abroad?"],
    "user_input_form": [
        {"text-input": {"label": "Order number", "variable": "order_no", "required": True, "max_length": 20}},
        {"select": {"label": "Topic", "variable": "topic", "options": ["Returns", "Shipping"], "default": "Returns"}},
        {"paragraph": {"label": "Notes", "variable": "notes", "required": False, "max_length": 500, "default": ""}},
        {"number": {"label": "Items", "variable": "items", "default": ""}},
        {"checkbox": {"label": "Gift", "variable": "gift", "default": True}},
    ],
}
KEYS = {
    "hookId",
    "feedback",
    "skin",
    "botName",
    "chunks",
    "avatarUrl",
    "welcome",
    "suggestions",
    "placeholder",
    "lang",
    "dir",
    "strings",
    "theme",
    "accent",
    "footer",
    "showSources",
    "showProgress",
    "imageHosts",
    "inputForm",
    "accessRequired",
    "appConfigured",
    "paramsUnavailable",
    "embed",
    "preview",
    "urls",
    "accessMisconfigured",
    "customCss",
    "logoUrl",
    "timestamps",
    "memory",
    "prefill",
    "voice",
}


def request(path: str = "/", query: dict | None = None, headers: dict | None = None) -> Request:
    return Request(EnvironBuilder(path=path, query_string=query or {}, headers=headers or {}).get_environ())


def config(raw: dict | None = None, params: dict | None = None, **kw) -> dict:
    settings = parse_settings(raw if raw is not None else {"app": APP})
    return build_config(settings, get_skin(settings.skin), params, **request_variant(request(**kw), settings))


def test_shape_and_defaults_without_params():
    c = config()
    assert set(c) == KEYS
    assert c["hookId"] == "local"
    assert c["skin"] == "minimal"
    assert c["botName"] == ""
    assert c["avatarUrl"] is None
    assert c["welcome"] == ""
    assert c["suggestions"] == []
    assert c["placeholder"] is None
    assert c["lang"] == "en" and c["dir"] == "ltr"
    # Without voice or feedback, their strings stay off the page.
    assert c["strings"] == page_strings("en", without=("voice.", "feedback.")) and c["strings"]["send"] == "Send"
    assert not any(k.startswith(("voice.", "feedback.")) for k in c["strings"])
    assert c["theme"] == "auto"
    assert c["accent"] is None
    assert c["footer"] == ""
    assert c["showSources"] is True and c["showProgress"] is True
    assert c["inputForm"] == []
    assert c["accessRequired"] is False
    assert c["appConfigured"] is True
    assert c["paramsUnavailable"] is True
    assert c["embed"] is None
    assert c["preview"] is False
    assert c["urls"] == {"talk": "talk", "unlock": "unlock", "feedback": "feedback"}
    assert c["feedback"] is False
    # The plugin's version would only tell an attacker which fixes the install lacks.
    assert "version" not in c and "0.1.0" not in json.dumps(c)
    json.dumps(c)


def test_app_params_fill_welcome_suggestions_and_form():
    c = config(params=FULL_PARAMS)
    assert c["paramsUnavailable"] is False
    assert c["welcome"] == "Hi! Ask me about returns."
    assert c["suggestions"] == ["How do I return an item?", "Do you ship abroad?"]
    assert c["inputForm"] == [
        {
            "type": "text-input",
            "variable": "order_no",
            "label": "Order number",
            "required": True,
            "maxLength": 20,
            "options": [],
            "default": None,
        },
        {
            "type": "select",
            "variable": "topic",
            "label": "Topic",
            "required": False,
            "maxLength": None,
            "options": ["Returns", "Shipping"],
            "default": "Returns",
        },
        {
            "type": "paragraph",
            "variable": "notes",
            "label": "Notes",
            "required": False,
            "maxLength": 500,
            "options": [],
            "default": None,
        },
        {
            "type": "number",
            "variable": "items",
            "label": "Items",
            "required": False,
            "maxLength": None,
            "options": [],
            "default": None,
        },
        {
            "type": "checkbox",
            "variable": "gift",
            "label": "Gift",
            "required": False,
            "maxLength": None,
            "options": [],
            "default": True,
        },
    ]


def test_settings_override_app_params():
    raw = {"app": APP, "welcome_message": "Welcome!", "suggested_questions": "One | Two|"}
    c = config(raw, params=FULL_PARAMS)
    assert c["welcome"] == "Welcome!"
    assert c["suggestions"] == ["One", "Two"]


def test_shared_fixture_parameters_parse():
    path = PARAMS / "full.json"
    params = json.loads(path.read_text())["data"]
    c = config(params=params)
    assert [f["type"] for f in c["inputForm"]] == ["text-input", "select", "paragraph", "number"]
    assert len(c["suggestions"]) == 3


@pytest.mark.parametrize(
    "item",
    [
        {"file": {"label": "Upload", "variable": "f"}},
        {"external_data_tool": {"variable": "x"}},
        {"text-input": {"label": "x", "variable": "bad name"}},
        {"text-input": {"label": "x", "variable": "<script>"}},
        {"text-input": {"label": "x"}},
        {"text-input": "not a mapping"},
        {"select": {"label": "x", "variable": "s", "options": []}},
        {"text-input": {"variable": "a"}, "paragraph": {"variable": "b"}},
        {"text-input": {"variable": "hidden", "hide": True}},
        "text-input",
        None,
    ],
)
def test_unusable_form_items_are_dropped(item):
    assert input_form({"user_input_form": [item]}) == []


def test_form_values_are_sanitized_as_data():
    form = input_form(
        {
            "user_input_form": [
                {
                    "select": {
                        "label": "<b>\x07Topic</b>",
                        "variable": "t",
                        "required": "yes",
                        "options": ["a", "a", 3, "</script>"],
                        "default": "zzz",
                    }
                },
                {"text-input": {"label": "", "variable": "t"}},
                {"number": {"label": "n", "variable": "n", "default": True}},
                {"text-input": {"label": "m", "variable": "m", "max_length": True}},
            ]
        }
    )
    assert form[0]["label"] == "<b>Topic</b>"  # kept as text; the client never renders it as HTML
    assert form[0]["required"] is False
    assert form[0]["options"] == ["a", "</script>"]
    assert form[0]["default"] is None
    assert [f["variable"] for f in form] == ["t", "n", "m"]
    assert form[1]["default"] is None
    assert form[2]["maxLength"] is None


def test_form_and_param_garbage_never_raises():
    for params in ({"user_input_form": "x"}, {"suggested_questions": "x", "opening_statement": 5}, {}):
        c = config(params=params)
        assert c["inputForm"] == [] and c["suggestions"] == [] and c["welcome"] == ""


def test_hook_id_header():
    assert config(headers={"Dify-Hook-Id": "abcdefgh12345678"})["hookId"] == "abcdefgh12345678"
    assert config(headers={"Dify-Hook-Id": "bad id<>"})["hookId"] == "local"


def test_language_setting_beats_query_beats_browser():
    de = {"Accept-Language": "de-AT,de;q=0.9"}
    assert config({"app": APP, "language": "ja"}, query={"lang": "ko"}, headers=de)["lang"] == "ja"
    assert config({"app": APP, "language": "auto"}, query={"lang": "pt-br"}, headers=de)["lang"] == "pt-BR"
    assert config({"app": APP}, query={"lang": "xx"}, headers=de)["lang"] == "de"
    assert config({"app": APP}, query={"lang": "xx"})["lang"] == "en"


@pytest.mark.parametrize(
    ("accept", "lang", "direction"), [("zh-TW", "zh-Hant", "ltr"), ("pt-PT", "pt-PT", "ltr"), ("he-IL", "he", "rtl")]
)
def test_page_gets_language_direction_and_only_its_strings(accept, lang, direction):
    c = config(headers={"Accept-Language": accept})
    assert (c["lang"], c["dir"]) == (lang, direction)
    assert (
        c["strings"] == page_strings(lang, without=("voice.", "feedback."))
        and c["strings"]["send"] != page_strings("en")["send"]
    )
    assert not any(k.startswith(("gallery.", "skin.", "page.", "embed.")) for k in c["strings"])
    assert any(k.startswith("err.") for k in c["strings"])


@pytest.mark.parametrize(
    ("setting", "query", "theme"), [("dark", "light", "dark"), ("auto", "light", "light"), ("x", "x", "auto")]
)
def test_theme_setting_beats_query(setting, query, theme):
    assert config({"app": APP, "theme": setting}, query={"theme": query})["theme"] == theme


def test_operator_texts_in_the_page_language():
    raw = {
        "app": APP,
        "welcome_message": "Hello! || ja: こんにちは || de: Hallo",
        "suggested_questions": "One|Two || ja: 一|二",
        "placeholder": "Ask || pt: Pergunte",
    }
    ja = config(raw, headers={"Accept-Language": "ja-JP"})
    assert (ja["welcome"], ja["suggestions"], ja["placeholder"]) == ("こんにちは", ["一", "二"], "Ask")
    pt = config(raw, query={"lang": "pt-PT"})
    assert (pt["welcome"], pt["suggestions"], pt["placeholder"]) == ("Hello!", ["One", "Two"], "Pergunte")


@pytest.mark.parametrize(("value", "theme"), [("light", "light"), ("dark", "dark"), ("DARK", "auto"), ("x", "auto")])
def test_theme_query(value, theme):
    assert config(query={"theme": value})["theme"] == theme


def test_accent_palette():
    c = config({"app": APP, "accent_color": "#FFD400"})
    assert set(c["accent"]) == {"accent", "onAccent", "accentText", "accentTextDark"}
    assert c["accent"]["onAccent"] == "#000000"
    assert config({"app": APP, "accent_color": "red;}body{x:y"})["accent"] is None


def test_no_app():
    for raw in ({}, {"app": {"app_id": ""}}, {"app": {"inputs": {}}}, {"app": 5}):
        c = config(raw)
        assert c["appConfigured"] is False
        assert c["paramsUnavailable"] is False


def test_access_required_and_preview():
    c = config({"app": APP, "access_code": "s3cret"}, query={"preview": "1"})
    assert c["accessRequired"] is True
    assert c["preview"] is True
    assert "s3cret" not in json.dumps(c)


@pytest.mark.parametrize(
    ("allowed", "query", "expected"),
    [
        (
            "",
            {"embed": "1", "origin": "https://shop.example", "bubble": "b1"},
            {"origin": "https://shop.example", "bubble": "b1"},
        ),
        ("", {"embed": "1", "origin": "https://shop.example:443/"}, {"origin": "https://shop.example", "bubble": ""}),
        (
            "",
            {"embed": "1", "origin": "https://shop.example", "bubble": "<x>"},
            {"origin": "https://shop.example", "bubble": ""},
        ),
        ("", {"embed": "0", "origin": "https://shop.example"}, None),
        ("", {"embed": "1"}, None),
        ("", {"embed": "1", "origin": "javascript:alert(1)"}, None),
        ("", {"embed": "1", "origin": "https://shop.example/path"}, None),
        ("", {"embed": "1", "origin": "null"}, None),
        ("none", {"embed": "1", "origin": "https://shop.example"}, None),
        (
            "https://shop.example",
            {"embed": "1", "origin": "https://shop.example"},
            {"origin": "https://shop.example", "bubble": ""},
        ),
        ("https://shop.example", {"embed": "1", "origin": "https://evil.example"}, None),
        ("https://shop.example", {"embed": "1", "origin": "http://shop.example"}, None),
        (
            "https://*.example.com",
            {"embed": "1", "origin": "https://a.b.example.com"},
            {"origin": "https://a.b.example.com", "bubble": ""},
        ),
        ("https://*.example.com", {"embed": "1", "origin": "https://example.com"}, None),
        ("https://*.example.com", {"embed": "1", "origin": "https://evilexample.com"}, None),
    ],
)
def test_embed(allowed, query, expected):
    assert config({"app": APP, "allowed_origins": allowed}, query=query)["embed"] == expected


def test_parse_origin_and_allow_list():
    assert parse_origin("HTTP://LocalHost:8080") == "http://localhost:8080"
    assert parse_origin("http://127.0.0.1:80") == "http://127.0.0.1"
    assert parse_origin("https://a..b") is None
    assert parse_origin("https://x:99999") is None
    assert origin_allowed("https://a.example", None) is True
    assert origin_allowed("https://a.example", ()) is False


def test_hostile_text_settings_reach_config_verbatim_as_data():
    hostile = '</script><script>alert("x")</script>\'"'
    c = config(
        {
            "app": APP,
            "bot_name": hostile,
            "welcome_message": hostile,
            "placeholder": hostile,
            "footer_text": hostile,
            "avatar_url": "javascript:alert(1)",
        }
    )
    assert c["botName"] == hostile[:80]
    assert c["welcome"] == c["placeholder"] == c["footer"] == hostile
    assert c["avatarUrl"] is None


ALWAYS = {
    "details",
    "details.css",
    "diagrams",
    "drawer-edit",
    "export",
    "forms",
    "forms.css",
    "highlight",
    "maths",
    "rich.css",
}


def test_chunks_list_only_what_the_page_can_load():
    plain = config()["chunks"]
    assert ALWAYS <= set(plain), sorted(plain)
    assert all(url.startswith(f"static/gen/lazy/{name.removesuffix('.css')}.") for name, url in plain.items())
    # Features the page does not offer keep their chunks (and the bytes of their URLs) off the page.
    assert not set(plain) & {
        "voice",
        "voice.css",
        "feedback",
        "feedback.css",
        "preview",
        "trial",
        "embed",
        "prefill",
        "access",
    }
    offered = config(
        {"app": APP, "feedback": True, "read_aloud": "button", "allowed_origins": "https://shop.example"},
        query={"embed": "1", "origin": "https://shop.example", "q": "Hello"},
    )["chunks"]
    assert {"voice", "voice.css", "feedback", "feedback.css", "embed", "prefill"} <= set(offered)
    assert not set(offered) & {"preview", "trial"}
    preview = config({"app": APP, "feedback": True, "read_aloud": "button"}, query={"preview": "1", "q": "Hi"})[
        "chunks"
    ]
    assert {"preview", "trial"} <= set(preview)
    assert not set(preview) & {"voice", "feedback", "prefill", "embed"}
    assert "access" in config({"app": APP, "access_code": "s3cret"})["chunks"]
    assert "access" not in config({"app": APP, "access_code": "s3cret"}, query={"preview": "1"})["chunks"]
