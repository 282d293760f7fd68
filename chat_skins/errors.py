"""The stable error codes of /talk and /unlock, and how upstream failures map onto them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug import Response

# code -> (HTTP status, safe English message). Pages localize by code; the message is a fallback.
# Keep this table and the one in docs/talk-api.md in step (a test compares them).
CATALOGUE: dict[str, tuple[int, str]] = {
    # The request itself (answered before anything streams).
    "invalid_json": (400, "The request body must be a JSON object in UTF-8."),
    "unsupported_media_type": (415, "Send the request as application/json."),
    "payload_too_large": (413, "The request is too large."),
    "invalid_param": (400, "The request has a field with a wrong type or value."),
    "query_required": (400, "Type a message first."),
    "query_too_long": (400, "The message is too long."),
    "invalid_conversation_id": (400, "The conversation id is not valid."),
    "invalid_inputs": (400, "Some form fields are missing or not valid."),
    "unauthorized": (401, "Enter the access code to chat."),
    "invalid_access_code": (401, "The access code is not correct."),
    "access_code_not_set": (404, "This page does not use an access code."),
    "app_not_configured": (503, "No chat app is selected for this page yet."),
    "too_many_attempts": (429, "Too many wrong access codes. Try again later."),
    "access_misconfigured": (503, "This chat is not available: its access code setting is not valid."),
    "cross_site_request": (403, "This API answers only pages of this site."),
    "limit_reached": (429, "This chat has reached its message limit for today. Please come back tomorrow."),
    # POST/GET feedback.
    "feedback_off": (404, "Feedback is not switched on for this page."),
    "feedback_unavailable": (503, "Feedback cannot be stored right now."),
    "feedback_export_off": (404, "The feedback export is off: no feedback key is set."),
    "feedback_key_required": (401, "Present the feedback key as a bearer token."),
    # The chat app (as an HTTP status in blocking mode, inside an `error` frame when streaming).
    "app_unavailable": (503, "The chat app is not available right now."),
    "provider_not_initialize": (400, "The bot's model is not set up yet."),
    "provider_quota_exceeded": (400, "The bot has used up its model quota."),
    "model_currently_not_support": (400, "The bot's model is not available right now."),
    "completion_request_error": (400, "The model could not answer. Please try again."),
    "rate_limited": (429, "Too many messages right now. Please wait a moment."),
    "internal_server_error": (500, "Something went wrong. Please try again."),
    "stream_broken": (502, "The answer was cut off. Please try again."),
    "empty_answer": (502, "The bot sent an empty answer."),
    "timeout": (504, "The bot took too long to answer."),
    "answer_cut": (504, "The answer took too long and was cut."),
    "app_paused": (502, "The bot paused for a step this page cannot show."),
    # Voice: POST speak and POST listen (docs/voice.md).
    "tts_not_configured": (503, "Reading aloud is not set up for this page."),
    "stt_not_configured": (503, "Voice input is not set up for this page."),
    "empty_body": (413, "The request has no body."),
    "text_required": (400, "There is no text to read aloud."),
    "text_too_long": (400, "The text is too long to read aloud."),
    "speech_failed": (502, "The voice model could not read the text. Please try again."),
    "transcription_failed": (502, "The voice model could not transcribe the recording. Please try again."),
}

# Codes Dify itself sends in `error` chunks or error bodies that we pass on unchanged.
_DIFY_CODES = {
    "provider_not_initialize",
    "provider_quota_exceeded",
    "model_currently_not_support",
    "completion_request_error",
    "internal_server_error",
    "invalid_param",
}
# Other spellings Dify uses for the same situations.
_DIFY_ALIASES = {
    "app_unavailable": "app_unavailable",
    "not_found": "app_unavailable",
    "forbidden": "app_unavailable",
    "unauthorized": "app_unavailable",
    "too_many_requests": "rate_limited",
    "rate_limit_error": "rate_limited",
    "app_rate_limit_exceeded": "rate_limited",
    "conversation_not_exists": "invalid_param",
}

# Dify wraps these in `invalid_param`: read the message before the code (they are not the visitor's fault).
_WRAPPED_MESSAGES = {
    "app not found": "app_unavailable",
    "unexpected app type": "app_unavailable",
    "user not found": "app_unavailable",
    "missing query": "query_required",
}
# How the daemon's total chat-stream cut (240 s after the start) reads inside `read app failed: ...`.
_CUT_MARKERS = ("deadline exceeded", "client.timeout")

# The daemon cuts a chat-app stream this long after it starts (a total limit, not an idle one).
CHAT_STREAM_CUT_SECONDS = 240.0

_STATUS = re.compile(r"status code:\s*(\d{3})")
_BODY = re.compile(r"respond with:\s*(\{.*\})\s*$", re.DOTALL)


class TalkError(Exception):
    """A failure with a stable code; its message is always safe to show."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.message = message

    @classmethod
    def of(cls, code: str, message: str | None = None) -> TalkError:
        status, default = CATALOGUE[code]
        return cls(code, status, message or default)

    def body(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "status": self.status}


@dataclass(frozen=True)
class UpstreamFailure:
    """What an exception from `invoke` tells us: Dify's status and code when its text holds them."""

    status: int | None
    code: str | None
    kind: str  # "invoke" (before streaming), "read" (mid-stream), "cut" (total limit), "timeout" or "other"
    message: str | None = None


def parse_failure(exc: BaseException) -> UpstreamFailure:
    """Read status, code and kind out of the SDK's plain exception text."""
    text = str(exc)
    lowered = text.lower()
    status = None
    code = None
    message = None
    if m := _STATUS.search(text):
        status = int(m.group(1))
    if m := _BODY.search(text):
        try:
            body = json.loads(m.group(1))
        except ValueError:
            body = None
        if isinstance(body, dict):
            if isinstance(body.get("code"), str):
                code = body["code"]
            if isinstance(body.get("message"), str):
                message = body["message"]
            if status is None and isinstance(body.get("status"), int):
                status = body["status"]
    if lowered.startswith("read app failed"):
        kind = "cut" if any(marker in lowered for marker in _CUT_MARKERS) else "read"
    elif "exited without response" in lowered or "timed out" in lowered or "timeout" in lowered:
        kind = "timeout"
    elif "deadline exceeded" in lowered:
        kind = "timeout"
    elif lowered.startswith("invoke app failed"):
        kind = "invoke"
    else:
        kind = "other"
    return UpstreamFailure(status=status, code=code, kind=kind, message=message)


def wrapped_message_error(message: object) -> TalkError | None:
    """Our error for one of the telling messages Dify wraps in `invalid_param`, else None."""
    if not isinstance(message, str):
        return None
    code = _WRAPPED_MESSAGES.get(message.strip().lower())
    return TalkError.of(code) if code else None


def looks_stale(failure: UpstreamFailure, exc: BaseException) -> bool:
    """Whether a failure before streaming is Dify refusing the conversation id (and only that)."""
    lowered = str(exc).lower()
    if failure.kind in ("timeout", "cut", "read"):
        # A cancelled or timed-out call is never retried: that would only add load.
        return False
    if failure.message is not None:
        if wrapped_message_error(failure.message) is not None:
            return False
        # Dify refuses an unknown or foreign conversation id with an empty message.
        return "conversation" in failure.message.lower() or (
            failure.message == "" and failure.code in ("invalid_param", "not_found", "conversation_not_exists")
        )
    if "conversation" in lowered:
        return True
    if "app not found" in lowered or "permission" in lowered:
        return False
    return failure.kind == "invoke" and (
        failure.status in (400, 404) or failure.code in ("invalid_param", "not_found", "conversation_not_exists")
    )


def error_for_code(code: object, status: object = None) -> TalkError:
    """Our error for a code (and status) Dify sent; unknown codes fall back by status."""
    if isinstance(code, str):
        if code in _DIFY_CODES:
            return TalkError.of(code)
        if code in _DIFY_ALIASES:
            return TalkError.of(_DIFY_ALIASES[code])
    return error_for_status(status if isinstance(status, int) else None)


def error_for_status(status: int | None) -> TalkError:
    """Our error for a bare HTTP status from Dify."""
    if status in (401, 403, 404):
        return TalkError.of("app_unavailable")
    if status == 429:
        return TalkError.of("rate_limited")
    if status in (408, 504):
        return TalkError.of("timeout")
    if status is not None and 400 <= status < 500:
        return TalkError.of("invalid_param")
    return TalkError.of("internal_server_error")


def error_for_chunk(chunk: Mapping[str, Any]) -> TalkError:
    """Our error for an `error` chunk inside a stream: its message first, then its code and status."""
    return wrapped_message_error(chunk.get("message")) or error_for_code(chunk.get("code"), chunk.get("status"))


def error_for_exception(exc: BaseException, *, started: bool, elapsed: float = 0.0) -> TalkError:
    """Our error for an exception raised by `invoke` or its stream (`elapsed`: seconds since the call began)."""
    failure = parse_failure(exc)
    if failure.kind == "cut" or (failure.kind == "read" and elapsed >= CHAT_STREAM_CUT_SECONDS - 5):
        return TalkError.of("answer_cut")
    if failure.kind == "timeout":
        return TalkError.of("timeout")
    if (wrapped := wrapped_message_error(failure.message)) is not None:
        return wrapped
    if failure.code or failure.status:
        return error_for_code(failure.code, failure.status)
    lowered = str(exc).lower()
    if "app not found" in lowered or "permission" in lowered:
        return TalkError.of("app_unavailable")
    if started or failure.kind == "read":
        return TalkError.of("stream_broken")
    return TalkError.of("internal_server_error")


def json_response(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    """A small JSON answer that is never cached or sniffed."""
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8", "replace"),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **(headers or {})},
    )


def error_response(err: TalkError) -> Response:
    """A refused request in Dify's error shape."""
    headers = {"WWW-Authenticate": "Bearer"} if err.code in ("unauthorized", "feedback_key_required") else None
    return json_response(err.body(), err.status, headers)
