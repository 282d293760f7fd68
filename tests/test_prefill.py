"""Prefill from the link: `?q=`, `&send=1`, `?inputs.<variable>=` and Dify's WebApp form (pure and in-process)."""

from __future__ import annotations

import base64
import gzip
import html as html_lib
import json
from urllib.parse import quote, urlencode

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.page_config import build_config, request_variant
from chat_skins.pages import render_page
from chat_skins.prefill import checked_prefill, dify_value, read_prefill
from chat_skins.settings import parse_settings
from chat_skins.skins import get_skin

APP = {"app_id": "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e", "inputs": {}}
PARAMS = {
    "user_input_form": [
        {"text-input": {"label": "Order", "variable": "order_no", "required": True, "max_length": 20}},
        {"select": {"label": "Topic", "variable": "topic", "options": ["Returns", "Shipping"]}},
        {"paragraph": {"label": "Notes", "variable": "notes", "max_length": 500}},
        {"number": {"label": "Items", "variable": "items"}},
        {"checkbox": {"label": "Gift", "variable": "gift"}},
        {"text-input": {"label": "Account", "variable": "account", "hide": True}},
    ]
}


def dify_form(text: str) -> str:
    """A value as Dify's WebApp links carry it: gzip, then base64."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"))).decode("ascii")


def prefill(query: str, params=PARAMS, raw: dict | None = None) -> dict | None:
    settings = parse_settings(raw or {"app": APP})
    req = Request(EnvironBuilder(path="/", query_string=query).get_environ())
    return build_config(settings, get_skin(settings.skin), params, **request_variant(req, settings))["prefill"]


def test_dify_values_decode_and_anything_else_does_not():
    assert dify_value(dify_form("A-123 ü 注文")) == "A-123 ü 注文"
    # A `+` of the base64 read as a space, and a value percent-encoded once more, as Dify's page decodes it.
    encoded = dify_form("?>>>" * 30)
    assert "+" in encoded or "/" in encoded
    assert dify_value(encoded.replace("+", " ")) == "?>>>" * 30
    assert dify_value(quote(encoded, safe="")) == "?>>>" * 30
    for bad in ("", "hello", "A-123", "%%%", base64.b64encode(b"plain text").decode(), "=" * 8):
        assert dify_value(bad) is None, bad


def test_a_gzip_bomb_is_refused():
    bomb = base64.b64encode(gzip.compress(b"a" * 5_000_000)).decode()
    assert len(bomb) < 8192
    assert dify_value(bomb) is None


def test_question_send_and_plain_inputs():
    query = {"q": "Where is my parcel?", "send": "1", "inputs.order_no": "A-1", "inputs.topic": "Shipping"}
    p = prefill(urlencode(query))
    assert p == {
        "q": "Where is my parcel?",
        "send": True,
        "inputs": {"order_no": "A-1", "topic": "Shipping"},
        "keys": ["q", "send", "inputs.order_no", "inputs.topic"],
    }


def test_dify_webapp_inputs_are_accepted_and_removed_from_the_address():
    query = urlencode({"order_no": dify_form("B-22"), "items": dify_form("3"), "account": dify_form("acme-7")})
    p = prefill(query)
    assert p["inputs"] == {"order_no": "B-22", "items": "3", "account": "acme-7"}
    assert p["q"] == "" and p["send"] is False
    assert sorted(p["keys"]) == ["account", "items", "order_no"]


@pytest.mark.parametrize(
    ("query", "inputs"),
    [
        ({"inputs.order_no": "x" * 21}, {}),  # longer than the field allows
        ({"inputs.topic": "Billing"}, {}),  # not one of the options
        ({"inputs.items": "many"}, {}),
        ({"inputs.items": "inf"}, {}),
        ({"inputs.items": " 4 "}, {"items": "4"}),
        ({"inputs.gift": "true"}, {"gift": True}),
        ({"inputs.gift": "0"}, {"gift": False}),
        ({"inputs.gift": "maybe"}, {}),
        ({"inputs.unknown": "x"}, {}),  # not a field of the app's form
        ({"inputs.order_no": "A\u0000B\u202e"}, {"order_no": "AB"}),
        ({"inputs.order_no": "<img src=x onerror=alert(1)>"[:20]}, {"order_no": "<img src=x onerror=a"}),
        ({"inputs.notes": "line 1\nline 2"}, {"notes": "line 1\nline 2"}),
        ({"inputs.order_no": "a\nb"}, {"order_no": "a b"}),
        ({"topic": "Shipping"}, {}),  # Dify's form needs gzip+base64
        ({"inputs.bad-name": "x"}, {}),
    ],
)
def test_inputs_are_checked_like_the_form(query, inputs):
    p = prefill(urlencode(query))
    assert (p or {"inputs": {}})["inputs"] == inputs


def test_send_needs_a_question_and_the_page_parameters_are_not_inputs():
    assert prefill("send=1") is None
    p = prefill(urlencode({"q": "hi", "send": "yes"}))
    assert p["send"] is False
    assert prefill(urlencode({"lang": dify_form("x"), "theme": "dark"})) is None


def test_operator_inputs_win_and_are_not_offered():
    raw = {"app": {**APP, "inputs": {"topic": "Returns", "notes": ""}}}
    p = prefill(urlencode({"inputs.topic": "Shipping", "inputs.notes": "n"}), raw=raw)
    assert p["inputs"] == {"notes": "n"}


def test_locked_and_preview_pages():
    locked = prefill(urlencode({"q": "hi", "inputs.order_no": "A-1"}), raw={"app": APP, "access_code": "k"})
    assert locked == {"q": "hi", "send": False, "inputs": {}, "keys": ["q", "send", "inputs.order_no"]}
    assert prefill(urlencode({"q": "hi", "preview": "1"})) is None


def test_without_the_form_no_inputs_survive():
    assert checked_prefill(read_prefill({"inputs.order_no": "A"}), None, {}) is None


def test_overlong_values_are_ignored():
    assert prefill(urlencode({"inputs.notes": "x" * 9000})) is None
    p = prefill(urlencode({"q": "y" * 5000}))
    assert len(p["q"]) == 4000


def test_the_page_carries_values_only_as_escaped_json():
    hostile = "</script><script>alert(1)</script>\"'<img src=x>"
    req = Request(EnvironBuilder(path="/minimal", query_string=urlencode({"q": hostile})).get_environ())
    res = render_page(req, {"app": APP})
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x>" not in html
    start = html.index('data-config="') + len('data-config="')
    config = json.loads(html_lib.unescape(html[start : html.index('"', start)]))
    assert config["prefill"]["q"] == hostile
