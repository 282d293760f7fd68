"""/talk refuses every wrong request before streaming: a matrix of bad inputs, the input form, and a fuzz test."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat_skins import app_params
from chat_skins.errors import CATALOGUE, TalkError
from chat_skins.talk import handle_talk
from chat_skins.talk_request import required_text
from tests.support.sse import parse_sse
from tests.support.talk import APP_ID, CONVERSATION, SETTINGS, FakeApp, body_chunks, load_params, make_request

ACCESS = {**SETTINGS, "access_code": "sesame"}
OK = {"query": "hello"}

# (id, settings, body or raw bytes, content type, headers, status, code)
MATRIX = [
    ("no-settings", {}, OK, "application/json", None, 503, "app_not_configured"),
    ("settings-none", None, OK, "application/json", None, 503, "app_not_configured"),
    ("selector-without-app-id", {"app": {"inputs": {}}}, OK, "application/json", None, 503, "app_not_configured"),
    ("app-id-garbage", {"app": {"app_id": "../../x"}}, OK, "application/json", None, 503, "app_not_configured"),
    ("app-wrong-type", {"app": 42}, OK, "application/json", None, 503, "app_not_configured"),
    ("text-plain", SETTINGS, OK, "text/plain", None, 415, "unsupported_media_type"),
    ("no-content-type", SETTINGS, OK, None, None, 415, "unsupported_media_type"),
    ("form-encoded", SETTINGS, b"query=hi", "application/x-www-form-urlencoded", None, 415, "unsupported_media_type"),
    ("multipart", SETTINGS, b"--x--", "multipart/form-data; boundary=x", None, 415, "unsupported_media_type"),
    ("latin-1-charset", SETTINGS, OK, "application/json; charset=latin-1", None, 415, "unsupported_media_type"),
    ("too-large", SETTINGS, {"query": "x", "pad": "y" * 70_000}, "application/json", None, 413, "payload_too_large"),
    ("empty-body", SETTINGS, b"", "application/json", None, 400, "invalid_json"),
    ("malformed", SETTINGS, b'{"query":', "application/json", None, 400, "invalid_json"),
    ("invalid-utf8", SETTINGS, b'{"query": "\xff\xfe"}', "application/json", None, 400, "invalid_json"),
    ("bom", SETTINGS, '\ufeff{"query": "hi"}'.encode(), "application/json", None, 400, "invalid_json"),
    ("array", SETTINGS, [OK], "application/json", None, 400, "invalid_json"),
    ("string", SETTINGS, "hello", "application/json", None, 400, "invalid_json"),
    ("null", SETTINGS, b"null", "application/json", None, 400, "invalid_json"),
    ("nan", SETTINGS, b'{"query": "hi", "inputs": {"n": NaN}}', "application/json", None, 400, "invalid_json"),
    (
        "deep-nesting",
        SETTINGS,
        b'{"x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
        "application/json",
        None,
        400,
        "invalid_json",
    ),
    (
        "huge-int",
        SETTINGS,
        b'{"query": "hi", "x": ' + b"9" * 20_000 + b"}",
        "application/json",
        None,
        400,
        "invalid_json",
    ),
    ("query-missing", SETTINGS, {}, "application/json", None, 400, "query_required"),
    ("query-null", SETTINGS, {"query": None}, "application/json", None, 400, "query_required"),
    ("query-empty", SETTINGS, {"query": ""}, "application/json", None, 400, "query_required"),
    ("query-blank", SETTINGS, {"query": " \n\t "}, "application/json", None, 400, "query_required"),
    ("query-number", SETTINGS, {"query": 123}, "application/json", None, 400, "invalid_param"),
    ("query-list", SETTINGS, {"query": ["hi"]}, "application/json", None, 400, "invalid_param"),
    ("query-bool", SETTINGS, {"query": True}, "application/json", None, 400, "invalid_param"),
    ("query-too-long", SETTINGS, {"query": "x" * 10_001}, "application/json", None, 400, "query_too_long"),
    ("query-nul", SETTINGS, {"query": "hi\x00there"}, "application/json", None, 400, "invalid_param"),
    ("query-lone-surrogate", SETTINGS, b'{"query": "hi \\ud800"}', "application/json", None, 400, "invalid_param"),
    ("conv-number", SETTINGS, {**OK, "conversation_id": 123}, "application/json", None, 400, "invalid_conversation_id"),
    ("conv-word", SETTINGS, {**OK, "conversation_id": "abc"}, "application/json", None, 400, "invalid_conversation_id"),
    (
        "conv-path",
        SETTINGS,
        {**OK, "conversation_id": "../x"},
        "application/json",
        None,
        400,
        "invalid_conversation_id",
    ),
    (
        "conv-padded",
        SETTINGS,
        {**OK, "conversation_id": f" {CONVERSATION}"},
        "application/json",
        None,
        400,
        "invalid_conversation_id",
    ),
    ("conv-object", SETTINGS, {**OK, "conversation_id": {}}, "application/json", None, 400, "invalid_conversation_id"),
    ("inputs-list", SETTINGS, {**OK, "inputs": []}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-string", SETTINGS, {**OK, "inputs": "a=b"}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-nested", SETTINGS, {**OK, "inputs": {"a": {"b": 1}}}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-list-value", SETTINGS, {**OK, "inputs": {"a": [1]}}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-bad-key", SETTINGS, {**OK, "inputs": {"a-b": "x"}}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-empty-key", SETTINGS, {**OK, "inputs": {"": "x"}}, "application/json", None, 400, "invalid_inputs"),
    (
        "inputs-too-many",
        SETTINGS,
        {**OK, "inputs": {f"k{i}": i for i in range(51)}},
        "application/json",
        None,
        400,
        "invalid_inputs",
    ),
    (
        "inputs-too-long",
        SETTINGS,
        {**OK, "inputs": {"a": "x" * 16_001}},
        "application/json",
        None,
        400,
        "invalid_inputs",
    ),
    ("inputs-huge-number", SETTINGS, {**OK, "inputs": {"a": 2**60}}, "application/json", None, 400, "invalid_inputs"),
    ("inputs-nul", SETTINGS, {**OK, "inputs": {"a": "x\x00"}}, "application/json", None, 400, "invalid_inputs"),
    ("mode-unknown", SETTINGS, {**OK, "response_mode": "fast"}, "application/json", None, 400, "invalid_param"),
    ("mode-number", SETTINGS, {**OK, "response_mode": 1}, "application/json", None, 400, "invalid_param"),
    ("no-token", ACCESS, OK, "application/json", None, 401, "unauthorized"),
    ("bad-token", ACCESS, OK, "application/json", {"Authorization": "Bearer v1.9999999999.AAAA"}, 401, "unauthorized"),
    ("basic-auth", ACCESS, OK, "application/json", {"Authorization": "Basic c2VzYW1l"}, 401, "unauthorized"),
]


@pytest.mark.parametrize(
    ("settings_", "body", "content_type", "headers", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in MATRIX],
)
def test_bad_input_matrix(settings_, body, content_type, headers, status, code):
    app = FakeApp("chat-basic")
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = handle_talk(make_request(raw=raw, content_type=content_type, headers=headers), settings_, invoke=app)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    payload = json.loads(response.get_data())
    assert set(payload) == {"code", "message", "status"}
    assert (payload["code"], payload["status"]) == (code, status)
    assert isinstance(payload["message"], str) and payload["message"] and "Traceback" not in payload["message"]
    assert app.calls == [], "a refused request never reaches the app"


def test_matrix_is_big_enough():
    assert len(MATRIX) >= 30
    assert len({case[0] for case in MATRIX}) == len(MATRIX)


def test_unauthorized_asks_for_bearer():
    response = handle_talk(make_request(OK), ACCESS, invoke=FakeApp("chat-basic"))
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_fields_are_ignored():
    app = FakeApp("chat-basic")
    body = {**OK, "user": "someone", "files": [{"x": 1}], "auto_generate_name": True, "extra": {"deep": [1, 2]}}
    response = handle_talk(make_request(body), SETTINGS, invoke=app)
    assert response.status_code == 200
    body_chunks(response)
    assert "user" not in app.calls[0] and "files" not in app.calls[0]


@pytest.mark.parametrize("conversation_id", [None, ""])
def test_empty_conversation_means_new(conversation_id):
    app = FakeApp("chat-basic")
    response = handle_talk(make_request({**OK, "conversation_id": conversation_id}), SETTINGS, invoke=app)
    body_chunks(response)
    assert app.calls[0]["conversation_id"] is None


def test_conversation_id_is_normalized():
    app = FakeApp("chat-basic")
    response = handle_talk(make_request({**OK, "conversation_id": CONVERSATION.upper()}), SETTINGS, invoke=app)
    body_chunks(response)
    assert app.calls[0]["conversation_id"] == CONVERSATION


def test_charset_utf8_and_limit_edge_are_accepted():
    query = "é" * 10_000
    response = handle_talk(
        make_request({"query": query}, content_type="application/json; charset=UTF-8"),
        SETTINGS,
        invoke=FakeApp("chat-basic"),
    )
    assert response.status_code == 200


# --- the app's input form (fetch_app -> app_params) ---------------------------------------------

FULL = load_params("full")


@pytest.fixture(autouse=True)
def _fresh_params_cache():
    app_params.clear_cache()
    yield
    app_params.clear_cache()


def form_call(inputs, settings_=SETTINGS, fetch=lambda app_id: FULL):
    app = FakeApp("chat-basic")
    response = handle_talk(make_request({**OK, "inputs": inputs}), settings_, invoke=app, fetch_app=fetch)
    if response.status_code == 200:
        body_chunks(response)
    return response, app


@pytest.mark.parametrize(
    ("inputs", "fragment"),
    [
        ({}, "Order number is required"),
        ({"order_no": "  "}, "Order number is required"),
        ({"order_no": "x" * 21}, "at most 20"),
        ({"order_no": 12345}, "must be text"),
        ({"order_no": "A1", "topic": "Weather"}, "one of its options"),
        ({"order_no": "A1", "topic": 1}, "one of its options"),
        ({"order_no": "A1", "items": "three"}, "must be a number"),
        ({"order_no": "A1", "items": True}, "must be a number"),
        ({"order_no": "A1", "items": "inf"}, "must be a number"),
        ({"order_no": "A1", "notes": "n" * 501}, "at most 500"),
    ],
)
def test_form_rejects(inputs, fragment):
    response, app = form_call(inputs)
    assert response.status_code == 400
    payload = json.loads(response.get_data())
    assert payload["code"] == "invalid_inputs"
    assert fragment in payload["message"]
    assert app.calls == []


def test_form_accepts_and_drops_unknown_keys():
    response, app = form_call({"order_no": "A-1001", "topic": "Shipping", "items": "3", "evil": "x", "notes": ""})
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"order_no": "A-1001", "topic": "Shipping", "items": "3", "notes": ""}


def test_form_number_accepts_numbers_and_drops_empty():
    response, app = form_call({"order_no": "A", "items": 2.5, "topic": ""})
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"order_no": "A", "items": 2.5}


def test_operator_inputs_win_and_satisfy_required_fields():
    fixed = {"app": {"app_id": APP_ID, "inputs": {"order_no": "OPERATOR", "topic": "Other"}}}
    response, app = form_call({"order_no": "VISITOR", "topic": "Returns"}, settings_=fixed)
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"order_no": "OPERATOR", "topic": "Other"}


def test_empty_operator_inputs_fix_nothing():
    fixed = {"app": {"app_id": APP_ID, "inputs": {"order_no": "", "topic": None, "notes": "fixed"}}}
    response, app = form_call({"order_no": "VISITOR", "notes": "mine"}, settings_=fixed)
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"order_no": "VISITOR", "notes": "fixed"}
    response, app = form_call({}, settings_=fixed)
    assert json.loads(response.get_data())["code"] == "invalid_inputs"


def test_operator_inputs_win_without_a_form():
    fixed = {"app": {"app_id": APP_ID, "inputs": {"tone": "formal"}}}
    response, app = form_call({"tone": "rude", "x": 1}, settings_=fixed, fetch=lambda app_id: load_params("empty"))
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"tone": "formal", "x": 1}


def test_failing_fetch_skips_the_form():
    def fetch(app_id):
        raise Exception("fetch app failed")

    response, app = form_call({"anything": "goes"}, fetch=fetch)
    assert response.status_code == 200
    assert app.calls[0]["inputs"] == {"anything": "goes"}


# --- fuzz ----------------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(["query", "conversation_id", "inputs", "response_mode", "user", "files"]) | st.text(
    max_size=8
)
bodies = st.dictionaries(field_names, json_values, max_size=6) | json_values
inputs_values = st.dictionaries(
    st.sampled_from(["order_no", "topic", "notes", "items", "x"]) | st.text(max_size=5), json_scalars, max_size=5
)
contract_bodies = st.fixed_dictionaries(
    {},
    optional={
        "query": st.text() | json_values,
        "conversation_id": st.sampled_from([None, "", CONVERSATION, "x"]) | json_values,
        "inputs": inputs_values | json_values,
        "response_mode": st.sampled_from(["streaming", "blocking", "x", None]),
    },
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", None, "application/JSON"]
)


def _check(response):
    assert response.status_code < 500, response.status_code
    if response.status_code == 200:
        if response.mimetype == "text/event-stream":
            _, frames = parse_sse(body_chunks(response))
            assert frames[-1]["event"] in ("message_end", "error")
        else:
            assert "answer" in json.loads(response.get_data())
        return
    payload = json.loads(response.get_data())
    assert set(payload) == {"code", "message", "status"}
    assert payload["code"] in CATALOGUE and payload["status"] == response.status_code


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies | contract_bodies, content_type=content_types)
def test_fuzz_json_bodies_never_5xx(body, content_type):
    app_params.clear_cache()
    raw = json.dumps(body).encode()
    response = handle_talk(
        make_request(raw=raw, content_type=content_type),
        SETTINGS,
        invoke=FakeApp("moderated"),
        fetch_app=lambda a: FULL,
    )
    _check(response)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300))
def test_fuzz_raw_bytes_never_5xx(raw):
    response = handle_talk(make_request(raw=raw), SETTINGS, invoke=FakeApp("moderated"))
    _check(response)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({}, "missing", None),
        ({"note": None}, "missing", None),
        ({"note": "  \n "}, "missing", None),
        ({"note": 7}, "invalid_param", "note must be a string."),
        ({"note": ["a"]}, "invalid_param", "note must be a string."),
        ({"note": "x" * 6}, "long", "at most 5 characters"),
    ],
)
def test_required_text_refuses_with_the_callers_codes(body, code, message):
    codes = {"missing": "text_required", "long": "text_too_long"}
    with pytest.raises(TalkError) as refused:
        required_text(body, "note", 5, "text_required", "text_too_long")
    assert refused.value.code == codes.get(code, code)
    if message:
        assert message in refused.value.message


def test_required_text_strips_and_keeps_the_limit_edge():
    assert required_text({"note": "  hello \n"}, "note", 5, "text_required", "text_too_long") == "hello"
