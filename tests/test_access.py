"""Access code: /unlock issues signed, expiring tokens; /talk requires one when the setting is set."""

from __future__ import annotations

import json

import pytest

from chat_skins import access, throttle
from chat_skins.access import TOKEN_TTL_SECONDS, handle_unlock, issue_token, verify_token
from chat_skins.talk import handle_talk
from tests.support.sse import parse_sse
from tests.support.talk import SETTINGS, FakeApp, body_chunks, make_request

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


# --- throttle -------------------------------------------------------------------------------------


class MemoryStorage(dict):
    """Plugin storage as the SDK exposes it: `get` raises for a missing key."""

    def get(self, key):
        if key not in self:
            raise Exception("load data failed, please check if the key is correct or you have not set it")
        return self[key]

    def set(self, key, value):
        self[key] = bytes(value)


def guess(code, storage, now, endpoint="ep-1"):
    request = make_request({"code": code}, headers={"Dify-Hook-Id": HOOK}, path="/unlock")
    response = handle_unlock(
        request, CODED, sleep=lambda s: None, storage=storage, endpoint_id=endpoint, clock=lambda: now
    )
    return response, json.loads(response.get_data())


def test_wrong_codes_get_a_budget_then_a_growing_back_off():
    storage = MemoryStorage()
    now = float(NOW)
    for _ in range(throttle.BUDGET):
        assert guess("nope", storage, now)[0].status_code == 401
    waits = []
    for _ in range(13):
        response, body = guess("nope", storage, now)
        assert response.status_code == 401
        shut, body = guess("sesame", storage, now)  # while shut, even the right code is not compared
        assert shut.status_code == 429 and body["code"] == "too_many_attempts"
        waits.append(int(shut.headers["Retry-After"]))
        now += waits[-1]
    # Doubling (a little less as old failures leak away during the waits), capped at MAX_BACKOFF.
    assert waits[:5] == [2, 4, 8, 16, 32] and waits[-2:] == [600, 600]
    assert waits == sorted(waits) and len(set(waits)) >= 10
    assert guess("sesame", storage, now)[0].status_code == 200
    assert list(storage) == ["ep-1/access-guard"]


def test_guesses_per_hour_for_a_guesser_that_never_waits_longer_than_told():
    storage = MemoryStorage()
    now, per_hour = float(NOW), {}
    while now < NOW + 24 * 3600:
        response, _ = guess("nope", storage, now)
        if response.status_code == 401:
            hour = int((now - NOW) // 3600)
            per_hour[hour] = per_hour.get(hour, 0) + 1
            now += 0.01
        else:
            assert response.status_code == 429
            now += int(response.headers["Retry-After"])
    # The figures README.md and docs/talk-api.md quote.
    assert per_hour[0] == 24 and all(per_hour[h] == 6 for h in range(1, 24))
    assert sum(per_hour.values()) == 162


def test_the_state_survives_a_restart_through_storage():
    storage = MemoryStorage()
    for _ in range(throttle.BUDGET):
        guess("nope", storage, NOW)
    throttle.reset()  # a new process: nothing in memory
    assert guess("nope", storage, NOW + 1)[0].status_code == 401  # over budget now
    assert guess("sesame", storage, NOW + 1)[0].status_code == 429
    # Another endpoint of the same plugin shares the storage but not the state.
    assert guess("sesame", storage, NOW + 1, endpoint="ep-2")[0].status_code == 200


def test_forgotten_over_time():
    storage = MemoryStorage()
    for _ in range(throttle.BUDGET + 1):
        guess("nope", storage, NOW)
    later = NOW + 2 * throttle.LEAK_SECONDS + 1
    assert guess("sesame", storage, later)[0].status_code == 200
    assert guess("nope", storage, later)[0].status_code == 401
    assert guess("nope", storage, later)[0].status_code == 401  # two budget slots came back
    assert guess("nope", storage, later)[0].status_code == 429


def test_parallel_guesses_in_one_process_never_exceed_the_budget():
    import threading

    storage = MemoryStorage()
    compared = []
    gate = threading.Barrier(40)
    codes = []

    def one():
        gate.wait()
        request = make_request({"code": "nope"}, headers={"Dify-Hook-Id": HOOK}, path="/unlock")
        response = handle_unlock(
            request, CODED, sleep=compared.append, storage=storage, endpoint_id="p", clock=lambda: float(NOW)
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=one) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(401) <= throttle.BUDGET + 1
    assert codes.count(401) + codes.count(429) == 40


@pytest.mark.parametrize("stored", [b"", b"{", b'{"v":1,"level":"x","at":0,"locked_until":0}', b"\xff", b'{"v":2}'])
def test_unreadable_stored_state_counts_as_nothing(stored):
    storage = MemoryStorage({"ep-1/access-guard": stored})
    assert guess("sesame", storage, NOW)[0].status_code == 200


def test_storage_failures_leave_the_in_process_guard():
    class Broken:
        def get(self, key):
            raise RuntimeError("daemon gone")

        def set(self, key, value):
            raise RuntimeError("daemon gone")

    for _ in range(throttle.BUDGET + 1):
        assert guess("nope", Broken(), NOW)[0].status_code == 401
    assert guess("sesame", Broken(), NOW)[0].status_code == 429


# --- tokens: a lifetime the server checks ---------------------------------------------------------


def test_token_lifetime_is_checked_by_the_server():
    token, expires_at = issue_token("sesame", HOOK, now=NOW)
    assert verify_token(token, "sesame", HOOK, now=NOW + TOKEN_TTL_SECONDS - 1)
    assert not verify_token(token, "sesame", HOOK, now=NOW + TOKEN_TTL_SECONDS)
    # A token "issued" in the future (a longer life than allowed) is refused.
    future, _ = issue_token("sesame", HOOK, now=NOW + 3600)
    assert not verify_token(future, "sesame", HOOK, now=NOW)
    # The old format carried its own expiry: a validly signed one claiming ten years is worthless now.
    payload = f"v1.{NOW + 10 * 365 * 86400}"
    old = f"{payload}.{access._signature('sesame', HOOK, payload)}"
    assert not verify_token(old, "sesame", HOOK, now=NOW)


def test_a_valid_token_brings_the_private_page_back():
    settings = {**CODED, "welcome_message": "Secret welcome", "suggested_questions": "Q1|Q2"}
    token, expires_at = issue_token("sesame", HOOK)
    headers = {"Dify-Hook-Id": HOOK, "Authorization": f"Bearer {token}"}
    response = handle_unlock(make_request({}, headers=headers, path="/unlock"), settings, storage=MemoryStorage())
    body = json.loads(response.get_data())
    assert response.status_code == 200
    assert body["token"] == token and body["expires_at"] == expires_at
    assert body["page"]["welcome"] == "Secret welcome" and body["page"]["suggestions"] == ["Q1", "Q2"]
    headers["Authorization"] = "Bearer v2.1.AAAA"
    refused = handle_unlock(make_request({}, headers=headers, path="/unlock"), settings)
    assert refused.status_code == 401 and json.loads(refused.get_data())["code"] == "unauthorized"


# --- a code with nothing visible in it ------------------------------------------------------------

INVISIBLE = [" ", "   ", "\t\n", "\u200b", "\ufeff", "\u00a0", "\u2060", "\u200b\u200c\u200d", "\u3164", "\u2800",
             "\u00ad", "\u180e", " \u200b\u00a0\ufeff ", "\u202e", "\u0301"]  # fmt: skip


@pytest.mark.parametrize("code", INVISIBLE)
def test_an_invisible_code_keeps_the_gate_shut(code):
    settings = {**SETTINGS, "access_code": code, "welcome_message": "Secret welcome"}
    app = FakeApp("chat-basic")
    response = handle_talk(make_request({"query": "hi"}, headers={"Dify-Hook-Id": HOOK}), settings, invoke=app)
    assert response.status_code == 503
    assert json.loads(response.get_data())["code"] == "access_misconfigured"
    assert app.calls == []
    for body in ({"code": code}, {"code": "anything"}):
        unlocked = handle_unlock(make_request(body, headers={"Dify-Hook-Id": HOOK}, path="/unlock"), settings)
        assert unlocked.status_code == 503
        assert json.loads(unlocked.get_data())["code"] == "access_misconfigured"


@pytest.mark.parametrize("code", ["a", "1234", "\u200bx", "пароль", "密码", "🔑"])
def test_visible_codes_still_work(code):
    settings = {**SETTINGS, "access_code": code}
    response = handle_unlock(make_request({"code": code}, headers={"Dify-Hook-Id": HOOK}, path="/unlock"), settings)
    assert response.status_code == 200


# --- Sec-Fetch-Site -------------------------------------------------------------------------------

SITES = [(None, True), ("same-origin", True), ("none", True), ("", True), ("SAME-ORIGIN", True),
         ("cross-site", False), ("same-site", False), ("Cross-Site", False), ("bogus", False)]  # fmt: skip


@pytest.mark.parametrize(("site", "allowed"), SITES)
def test_sec_fetch_site_matrix(site, allowed):
    from chat_skins.same_origin import foreign_site

    assert foreign_site(site) is (not allowed)
    headers = {"Dify-Hook-Id": HOOK} | ({"Sec-Fetch-Site": site} if site is not None else {})
    app = FakeApp("chat-basic")
    talk = handle_talk(make_request({"query": "hi"}, headers=headers), SETTINGS, invoke=app)
    unlocked = handle_unlock(make_request({"code": "sesame"}, headers=headers, path="/unlock"), CODED)
    if allowed:
        assert (talk.status_code, unlocked.status_code) == (200, 200)
    else:
        for response in (talk, unlocked):
            assert response.status_code == 403
            assert response.headers["Content-Type"] == "application/json"
            assert json.loads(response.get_data()) == {
                "code": "cross_site_request",
                "message": "This API answers only pages of this site.",
                "status": 403,
            }
        assert app.calls == []


def test_the_unlock_answer_speaks_the_page_language():
    settings = {**CODED, "welcome_message": "Welcome || ja: ようこそ", "placeholder": "Ask || ja: 質問をどうぞ"}
    token, _ = issue_token("sesame", HOOK)
    headers = {"Dify-Hook-Id": HOOK, "Authorization": f"Bearer {token}", "Accept-Language": "ja-JP,en;q=0.5"}
    response = handle_unlock(make_request({}, headers=headers, path="/unlock"), settings, storage=MemoryStorage())
    assert response.status_code == 200
    page = json.loads(response.get_data())["page"]
    assert (page["welcome"], page["placeholder"]) == ("ようこそ", "質問をどうぞ")
