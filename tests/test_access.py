"""Access code: /unlock issues signed, expiring tokens; /talk requires one when the setting is set."""

from __future__ import annotations

import json

import pytest

from chat_skins import access, throttle
from chat_skins.access import TOKEN_TTL_SECONDS, handle_unlock, issue_token, verify_token
from chat_skins.talk import handle_talk
from tests.test_talk_helpers import SETTINGS, FakeApp, body_chunks, make_request, parse_sse

HOOK = "access0000000001"
CODED = {**SETTINGS, "access_code": "sesame"}
NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def fresh_guards():
    """Each test starts with no wrong codes remembered in this process."""
    throttle.reset()
    yield
    throttle.reset()


def unlock(body, settings=CODED, hook=HOOK, content_type="application/json", raw=None):
    sleeps: list[float] = []
    headers = {"Dify-Hook-Id": hook} if hook else {}
    request = make_request(body, raw=raw, content_type=content_type, headers=headers, path="/unlock")
    response = handle_unlock(request, settings, sleep=sleeps.append)
    return response, json.loads(response.get_data()), sleeps


def test_right_code_gives_a_token_that_opens_talk():
    response, body, sleeps = unlock({"code": "sesame"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert set(body) == {"token", "expires_at", "page"}
    assert sleeps == []
    app = FakeApp("chat-basic")
    talk = handle_talk(
        make_request({"query": "hi"}, headers={"Authorization": f"Bearer {body['token']}", "Dify-Hook-Id": HOOK}),
        CODED,
        invoke=app,
    )
    assert talk.status_code == 200
    _, frames = parse_sse(body_chunks(talk))
    assert frames[-1]["event"] == "message_end"
    assert len(app.calls) == 1


def test_code_with_surrounding_spaces_matches():
    response, _, _ = unlock({"code": "  sesame "})
    assert response.status_code == 200


@pytest.mark.parametrize("code", ["Sesame", "sesam", "sesame2", "x" * 200, "séšame"])
def test_wrong_code_is_401_after_the_same_delay(code):
    response, body, sleeps = unlock({"code": code})
    assert response.status_code == 401
    assert body["code"] == "invalid_access_code"
    assert sleeps == [access.WRONG_CODE_DELAY]


@pytest.mark.parametrize(
    ("body", "raw", "content_type", "status", "code"),
    [
        ({}, None, "application/json", 400, "invalid_param"),
        ({"code": 1234}, None, "application/json", 400, "invalid_param"),
        ({"code": ""}, None, "application/json", 400, "invalid_param"),
        ({"code": "x" * 201}, None, "application/json", 400, "invalid_param"),
        (None, b"{not json", "application/json", 400, "invalid_json"),
        (None, b"code=sesame", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ({"code": "s" * 5000}, None, "application/json", 413, "payload_too_large"),
        (None, b"\xff", "application/json", 400, "invalid_json"),
    ],
)
def test_bad_unlock_requests(body, raw, content_type, status, code):
    response, payload, _ = unlock(body, raw=raw, content_type=content_type)
    assert response.status_code == status
    assert payload["code"] == code


def test_unlock_without_access_code_setting():
    response, payload, _ = unlock({"code": "sesame"}, settings=SETTINGS)
    assert response.status_code == 404
    assert payload["code"] == "access_code_not_set"


def test_token_expires():
    token, expires_at = issue_token("sesame", HOOK, now=NOW)
    assert expires_at == NOW + TOKEN_TTL_SECONDS == NOW + 7 * 24 * 3600
    assert verify_token(token, "sesame", HOOK, now=NOW + 10)
    assert not verify_token(token, "sesame", HOOK, now=expires_at)


def test_rotating_the_code_revokes_tokens():
    token, _ = issue_token("sesame", HOOK, now=NOW)
    assert not verify_token(token, "open sesame", HOOK, now=NOW)


def test_token_is_bound_to_the_hook():
    token, _ = issue_token("sesame", HOOK, now=NOW)
    assert not verify_token(token, "sesame", "other00000000001", now=NOW)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.replace("v2.", "v1.", 1),
        lambda t: "v2." + str(NOW - 10**3) + "." + t.rsplit(".", 1)[1],
        lambda t: t + "=",
        lambda t: "",
        lambda t: "v2..",
        lambda t: "v2.١٢٣.abc",
        lambda t: t * 10,
    ],
)
def test_tampered_tokens_fail(mangle):
    token, _ = issue_token("sesame", HOOK, now=NOW)
    assert not verify_token(mangle(token), "sesame", HOOK, now=NOW)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Token abc", "bearer v1.1.x", "Bearer v1.99999999999.AAAA"],
)
def test_talk_without_valid_token_is_refused_before_the_app(header):
    app = FakeApp("chat-basic")
    headers = {"Dify-Hook-Id": HOOK, **({"Authorization": header} if header else {})}
    response = handle_talk(make_request({"query": "hi"}, headers=headers), CODED, invoke=app)
    assert response.status_code == 401
    assert json.loads(response.get_data())["code"] == "unauthorized"
    assert app.calls == []


def test_scheme_is_case_insensitive():
    token, _ = issue_token("sesame", HOOK)
    headers = {"Dify-Hook-Id": HOOK, "Authorization": f"bearer {token}"}
    response = handle_talk(make_request({"query": "hi"}, headers=headers), CODED, invoke=FakeApp("chat-basic"))
    assert response.status_code == 200


def test_without_access_code_talk_ignores_authorization():
    headers = {"Authorization": "Bearer junk"}
    response = handle_talk(make_request({"query": "hi"}, headers=headers), SETTINGS, invoke=FakeApp("chat-basic"))
    assert response.status_code == 200
