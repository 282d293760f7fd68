"""Reading and validating a /talk request body: every wrong input becomes a TalkError."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request

from chat_skins.app_form import form_fields
from chat_skins.app_id import is_uuid
from chat_skins.errors import CATALOGUE, TalkError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_CHARS = 10_000
MAX_INPUTS = 50
MAX_INPUT_KEY = 64
MAX_INPUT_CHARS = 16_000
# Beyond this a JSON number loses integer precision in a browser.
MAX_SAFE_INT = 2**53

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class TalkRequest:
    """A validated request, ready for `invoke`."""

    query: str
    conversation_id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    blocking: bool = False


def read_json_body(r: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object, after content type, size and encoding checks."""
    mimetype = (r.mimetype or "").lower()
    charset = (r.mimetype_params.get("charset") or "utf-8").lower()
    if mimetype != "application/json" or charset not in ("utf-8", "utf8"):
        raise TalkError.of("unsupported_media_type")
    length = r.content_length
    if length is not None and length > limit:
        raise TalkError.of("payload_too_large")
    # Read at most one byte past the limit: a body without a length cannot make us read more.
    raw = r.stream.read(limit + 1)
    if len(raw) > limit:
        raise TalkError.of("payload_too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TalkError.of("invalid_json", "The request body is not valid UTF-8.") from None
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise TalkError.of("invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise TalkError.of("invalid_json", "The request body must be a JSON object.")
    return body


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python would accept them by default.
    raise ValueError(name)


def _clean_text(value: str) -> bool:
    """Whether a string can travel on as UTF-8 and be stored by Dify (no NUL, no lone surrogates)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def required_text(body: Mapping[str, Any], field: str, limit: int, missing_code: str, long_code: str) -> str:
    """`body[field]` stripped: present, a string, not blank and at most `limit` characters, else a TalkError."""
    text = body.get(field)
    if text is None:
        raise TalkError.of(missing_code)
    if not isinstance(text, str):
        raise TalkError.of("invalid_param", f"{field} must be a string.")
    text = text.strip()
    if not text:
        raise TalkError.of(missing_code)
    if len(text) > limit:
        raise TalkError.of(long_code, f"{CATALOGUE[long_code][1].rstrip('.')} (at most {limit} characters).")
    return text


def parse_query(body: Mapping[str, Any]) -> str:
    query = required_text(body, "query", MAX_QUERY_CHARS, "query_required", "query_too_long")
    if not _clean_text(query):
        raise TalkError.of("invalid_param", "query holds characters that cannot be sent.")
    return query


def parse_conversation_id(body: Mapping[str, Any]) -> str | None:
    value = body.get("conversation_id")
    if value is None or value == "":
        return None
    if not is_uuid(value):
        raise TalkError.of("invalid_conversation_id")
    return value.lower()


def parse_response_mode(body: Mapping[str, Any]) -> bool:
    """True for blocking."""
    mode = body.get("response_mode")
    if mode is None or mode == "streaming":
        return False
    if mode == "blocking":
        return True
    raise TalkError.of("invalid_param", "response_mode must be streaming or blocking.")


def parse_inputs(body: Mapping[str, Any]) -> dict[str, Any]:
    """The visitor's inputs: a flat object of short scalars with variable-name keys."""
    inputs = body.get("inputs")
    if inputs is None:
        return {}
    if not isinstance(inputs, dict):
        raise TalkError.of("invalid_inputs", "inputs must be an object.")
    if len(inputs) > MAX_INPUTS:
        raise TalkError.of("invalid_inputs", f"inputs has more than {MAX_INPUTS} fields.")
    cleaned: dict[str, Any] = {}
    for key, value in inputs.items():
        if len(key) > MAX_INPUT_KEY or not _VARIABLE.match(key):
            raise TalkError.of("invalid_inputs", "inputs has a field name that is not a variable name.")
        if value is None:
            continue
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if abs(value) > MAX_SAFE_INT:
                raise TalkError.of("invalid_inputs", f"{key} is out of range.")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise TalkError.of("invalid_inputs", f"{key} is out of range.")
        elif isinstance(value, str):
            if len(value) > MAX_INPUT_CHARS:
                raise TalkError.of("invalid_inputs", f"{key} is too long.")
            if not _clean_text(value):
                raise TalkError.of("invalid_inputs", f"{key} holds characters that cannot be sent.")
        else:
            raise TalkError.of("invalid_inputs", f"{key} must be a string, a number or a boolean.")
        cleaned[key] = value
    return cleaned


def parse_talk_body(body: Mapping[str, Any]) -> TalkRequest:
    """Validate every field the contract knows; unknown fields are ignored."""
    return TalkRequest(
        query=parse_query(body),
        conversation_id=parse_conversation_id(body),
        inputs=parse_inputs(body),
        blocking=parse_response_mode(body),
    )


def merge_inputs(
    visitor: Mapping[str, Any], fixed: Mapping[str, Any], params: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Visitor inputs checked against the app's form, with the operator's fixed inputs on top."""
    # Dify's app selector stores every form field, filled or not: only filled ones are fixed.
    fixed = {k: v for k, v in fixed.items() if v is not None and v != ""}
    fields = form_fields(params)
    if not fields:
        # No form known (none, or fetch failed): Dify validates; the operator's values still win.
        return {**visitor, **fixed}
    known = {spec["variable"] for _, spec in fields}
    dropped = [k for k in visitor if k not in known]
    if dropped:
        logger.debug("talk: dropped inputs not in the app's form: %s", dropped)
    merged = {k: v for k, v in visitor.items() if k in known}
    for kind, spec in fields:
        name = spec["variable"]
        if name in fixed:
            continue
        value = _check_field(kind, spec, merged.get(name))
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    merged.update(fixed)
    return merged


def _label(spec: Mapping[str, Any]) -> str:
    label = spec.get("label")
    text = label if isinstance(label, str) and label.strip() else spec["variable"]
    return text.strip()[:80]


def _check_field(kind: str, spec: Mapping[str, Any], value: Any) -> Any:
    """The value to send for one form field, or None to send nothing; raises on a bad value."""
    label = _label(spec)
    missing = value is None or (isinstance(value, str) and not value.strip())
    if missing:
        if spec.get("required") is True:
            raise TalkError.of("invalid_inputs", f"{label} is required.")
        # Empty optional text is fine to send; an empty number or choice is sent as nothing.
        return value if kind in ("text-input", "paragraph") and isinstance(value, str) else None
    if kind in ("text-input", "paragraph"):
        if not isinstance(value, str):
            raise TalkError.of("invalid_inputs", f"{label} must be text.")
        max_length = spec.get("max_length")
        if isinstance(max_length, int) and not isinstance(max_length, bool) and 0 < max_length < len(value):
            raise TalkError.of("invalid_inputs", f"{label} is too long (at most {max_length} characters).")
        return value
    if kind == "select":
        options = spec.get("options")
        if not isinstance(value, str) or (isinstance(options, list) and options and value not in options):
            raise TalkError.of("invalid_inputs", f"{label} must be one of its options.")
        return value
    if kind == "number":
        if isinstance(value, bool):
            raise TalkError.of("invalid_inputs", f"{label} must be a number.")
        if isinstance(value, int | float):
            return value
        try:
            number = float(value) if isinstance(value, str) else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise TalkError.of("invalid_inputs", f"{label} must be a number.")
        return value.strip()
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise TalkError.of("invalid_inputs", f"{label} must be true or false.")
        return value
    # Other field types (files, external data) are not supported from a page: pass scalars through.
    return value
