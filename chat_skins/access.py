"""Access code: POST /unlock trades the code for a signed, expiring token that /talk requires."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping

from werkzeug import Request, Response

from chat_skins.errors import TalkError, error_response, json_response
from chat_skins.settings import parse_settings
from chat_skins.talk_request import read_json_body

logger = logging.getLogger(__name__)

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret
TOKEN_TTL_SECONDS = 7 * 24 * 3600
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
    expires_at = int(now if now is not None else time.time()) + TOKEN_TTL_SECONDS
    payload = f"{TOKEN_VERSION}.{expires_at}"
    return f"{payload}.{_signature(access_code, hook_id, payload)}", expires_at


def verify_token(token: str, access_code: str, hook_id: str, *, now: float | None = None) -> bool:
    """Whether the token was issued for this code and hook and has not expired."""
    if not isinstance(token, str) or len(token) > 200:
        return False
    version, _, rest = token.partition(".")
    expiry, _, signature = rest.partition(".")
    if version != TOKEN_VERSION or not expiry.isascii() or not expiry.isdigit() or len(expiry) > 12:
        return False
    expected = _signature(access_code, hook_id, f"{version}.{expiry}")
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return False
    return int(expiry) > (now if now is not None else time.time())


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


def _codes_match(given: str, expected: str) -> bool:
    # Hash both sides first so the comparison takes the same time whatever the lengths.
    a = hashlib.sha256(given.encode("utf-8", "replace")).digest()
    b = hashlib.sha256(expected.encode("utf-8", "replace")).digest()
    return hmac.compare_digest(a, b)


def handle_unlock(r: Request, raw_settings: Mapping, *, sleep: Callable[[float], None] = time.sleep) -> Response:
    """POST /unlock: `{"code": ...}` -> `{"token", "expires_at"}`; never raises."""
    try:
        settings = parse_settings(raw_settings)
        if not settings.access_code:
            raise TalkError.of("access_code_not_set")
        body = read_json_body(r, MAX_UNLOCK_BODY)
        code = body.get("code")
        if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_CHARS:
            raise TalkError.of("invalid_param", "code must be a non-empty string.")
        # The setting is stored trimmed, so a pasted code with stray spaces still matches.
        if not _codes_match(code.strip(), settings.access_code):
            logger.info("unlock: wrong access code")
            sleep(WRONG_CODE_DELAY)
            raise TalkError.of("invalid_access_code")
        token, expires_at = issue_token(settings.access_code, r.headers.get("Dify-Hook-Id", ""))
        return json_response({"token": token, "expires_at": expires_at}, 200)
    except TalkError as err:
        return error_response(err)
    except Exception as exc:
        logger.error("unlock: unexpected failure (%s)", type(exc).__name__)
        logger.debug("unlock: unexpected failure", exc_info=True)
        return error_response(TalkError.of("internal_server_error"))
