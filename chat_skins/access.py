"""Access code: POST /unlock trades the code (or a still valid token) for a signed token that /talk requires."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping

from werkzeug import Request, Response

from chat_skins import throttle
from chat_skins.app_params import get_app_params
from chat_skins.errors import TalkError, error_response, json_response
from chat_skins.page_config import private_config, request_language
from chat_skins.same_origin import refuse_foreign_site
from chat_skins.settings import Settings, parse_settings
from chat_skins.talk_request import read_json_body

logger = logging.getLogger(__name__)

TOKEN_VERSION = "v2"  # noqa: S105 - a format tag, not a secret
# The server's own limit: a token is checked against the time it was issued, never a lifetime it claims.
TOKEN_TTL_SECONDS = 7 * 24 * 3600
# Workers' clocks may differ a little; a token "issued" further in the future than this is refused.
CLOCK_SKEW_SECONDS = 60
MAX_UNLOCK_BODY = 4 * 1024
MAX_CODE_CHARS = 200
# A wrong code is answered after this delay (seconds): slows guessing, the same for every wrong code.
WRONG_CODE_DELAY = 0.3
# The derived key costs this much once per (hook, code) and process; it makes a leaked token useless
# for guessing a short code offline.
_KDF_ITERATIONS = 100_000
_KDF_SALT = b"chat-skins/access-token/v1\x00"


@functools.lru_cache(maxsize=64)
def _signing_key(access_code: str, hook_id: str) -> bytes:
    salt = _KDF_SALT + hook_id.encode("utf-8", "replace")
    return hashlib.pbkdf2_hmac("sha256", access_code.encode("utf-8", "replace"), salt, _KDF_ITERATIONS)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(access_code: str, hook_id: str, payload: str) -> str:
    return _b64(hmac.new(_signing_key(access_code, hook_id), payload.encode("ascii"), hashlib.sha256).digest())


def issue_token(access_code: str, hook_id: str, *, now: float | None = None) -> tuple[str, int]:
    """A token and its expiry (Unix seconds)."""
    issued_at = int(now if now is not None else time.time())
    payload = f"{TOKEN_VERSION}.{issued_at}"
    return f"{payload}.{_signature(access_code, hook_id, payload)}", issued_at + TOKEN_TTL_SECONDS


def token_expiry(token: str, access_code: str, hook_id: str, *, now: float | None = None) -> int | None:
    """The expiry of a token issued for this code and hook that is still within its lifetime, else None."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    version, _, rest = token.partition(".")
    issued, _, signature = rest.partition(".")
    if version != TOKEN_VERSION or not issued.isascii() or not issued.isdigit() or len(issued) > 12:
        return None
    expected = _signature(access_code, hook_id, f"{version}.{issued}")
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return None
    now = now if now is not None else time.time()
    issued_at = int(issued)
    if issued_at > now + CLOCK_SKEW_SECONDS or now >= issued_at + TOKEN_TTL_SECONDS:
        return None
    return issued_at + TOKEN_TTL_SECONDS


def verify_token(token: str, access_code: str, hook_id: str, *, now: float | None = None) -> bool:
    """Whether the token was issued for this code and hook and is within the server's maximum lifetime."""
    return token_expiry(token, access_code, hook_id, now=now) is not None


def bearer_token(r: Request) -> str:
    header = r.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def check_access(r: Request, access_code: str) -> None:
    """Raises `unauthorized` unless the request carries a valid token (no-op without a code)."""
    if not access_code:
        return
    if not verify_token(bearer_token(r), access_code, r.headers.get("Dify-Hook-Id", "")):
        raise TalkError.of("unauthorized")


def check_gate(r: Request, settings: Settings) -> None:
    """Raises unless this request may use the app: a broken code setting shuts the gate, else a token is checked."""
    if settings.access_misconfigured:
        raise TalkError.of("access_misconfigured")
    check_access(r, settings.access_code)


def _codes_match(given: str, expected: str) -> bool:
    # Hash both sides first so the comparison takes the same time whatever the lengths.
    a = hashlib.sha256(given.encode("utf-8", "replace")).digest()
    b = hashlib.sha256(expected.encode("utf-8", "replace")).digest()
    return hmac.compare_digest(a, b)


def _unlocked(r: Request, settings: Settings, token: str, expires_at: int, fetch_app: Callable | None) -> Response:
    params = get_app_params(settings.app_id, fetch_app) if settings.app_id and fetch_app is not None else None
    # Decided like the page's (setting, `?lang=`, Accept-Language): the same browser gets the same variants.
    page = private_config(settings, params, request_language(r, settings))
    return json_response({"token": token, "expires_at": expires_at, "page": page}, 200)


def handle_unlock(
    r: Request,
    raw_settings: Mapping,
    *,
    sleep: Callable[[float], None] = time.sleep,
    storage: throttle.Storage | None = None,
    endpoint_id: str | None = None,
    fetch_app: Callable[[str], object] | None = None,
    clock: Callable[[], float] = time.time,
) -> Response:
    """POST /unlock: `{"code": ...}` (or a valid bearer token) -> `{"token", "expires_at", "page"}`; never raises.

    `page` holds what a locked page leaves out (welcome, suggestions, input form, placeholder).
    """
    try:
        refuse_foreign_site(r.headers)
        settings = parse_settings(raw_settings)
        if settings.access_misconfigured:
            logger.warning("unlock: refused, the access code setting has no visible character")
            raise TalkError.of("access_misconfigured")
        if not settings.access_code:
            raise TalkError.of("access_code_not_set")
        hook_id = r.headers.get("Dify-Hook-Id", "")
        body = read_json_body(r, MAX_UNLOCK_BODY)
        code = body.get("code")
        if code is None and bearer_token(r):
            # A returning visitor: the token proves the code was known; no guess is made, nothing is counted.
            token = bearer_token(r)
            expires_at = token_expiry(token, settings.access_code, hook_id, now=clock())
            if expires_at is None:
                raise TalkError.of("unauthorized")
            return _unlocked(r, settings, token, expires_at, fetch_app)
        if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_CHARS:
            raise TalkError.of("invalid_param", "code must be a non-empty string.")
        # Cleaned as the setting is (trimmed, invisible marks dropped), so a pasted code still matches.
        given = "".join(ch for ch in code if ch.isprintable()).strip()
        key = endpoint_id or f"hook-{hook_id}"
        if not throttle.attempt(key, lambda: _codes_match(given, settings.access_code), storage=storage, clock=clock):
            logger.info("unlock: wrong access code")
            sleep(WRONG_CODE_DELAY)
            raise TalkError.of("invalid_access_code")
        token, expires_at = issue_token(settings.access_code, hook_id, now=clock())
        return _unlocked(r, settings, token, expires_at, fetch_app)
    except throttle.Refused as refused:
        logger.info("unlock: refused, too many wrong codes (retry after %ss)", refused.header)
        return json_response(TalkError.of("too_many_attempts").body(), 429, {"Retry-After": refused.header})
    except TalkError as err:
        return error_response(err)
    except Exception as exc:
        logger.error("unlock: unexpected failure (%s)", type(exc).__name__)
        logger.debug("unlock: unexpected failure", exc_info=True)
        return error_response(TalkError.of("internal_server_error"))
