"""Prefill from the page's link: `?q=` (the question), `&send=1`, and values for the app's input form.

Inputs come as `?inputs.<variable>=<value>` (plain text) or, as links made for Dify's own WebApp
write them, `?<variable>=<value>` where the value is gzip-compressed UTF-8 text in base64. They are
read here, on the server, and checked like the form checks them; the page config carries only
what passed. The client puts the values in form controls and the message box, never in HTML.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from chat_skins.app_form import clean_text, form_fields

MAX_QUESTION = 4000
MAX_VALUE = 4000
# A query value bigger than this is not a prefill anyone typed or generated for a link.
MAX_RAW = 8192
MAX_INPUTS = 40
INPUT_PREFIX = "inputs."
# The page's own query parameters: never read as one of the app's variables.
RESERVED = frozenset({"q", "send", "lang", "theme", "embed", "origin", "bubble", "preview"})

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")

# (question, send, ((variable, raw value, is_dify_form), ...), query parameter names used)
RawPrefill = tuple[str, bool, tuple[tuple[str, str, bool], ...], tuple[str, ...]]


def dify_value(value: str) -> str | None:
    """A value in Dify's WebApp URL form (base64 of gzip of UTF-8 text) decoded, or None when it is not one."""
    # Dify's page decodes the parameter once more, and a `+` in a link often arrives as a space.
    text = unquote(value).strip().replace(" ", "+")
    if not text or len(text) > MAX_RAW or not _BASE64.match(text):
        return None
    try:
        packed = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        # Bounded: a few bytes of gzip can inflate to gigabytes.
        data = inflater.decompress(packed, MAX_VALUE * 4 + 1)
        if len(data) > MAX_VALUE * 4 or not inflater.eof:
            return None
        return data.decode("utf-8")
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        return None


def read_prefill(args: Mapping[str, str]) -> RawPrefill | None:
    """What the query string asks to prefill, unchecked against the form (hashable: it keys cached pages)."""
    question = clean_text(args.get("q", ""), MAX_QUESTION) if len(args.get("q", "")) <= MAX_RAW * 2 else ""
    send = args.get("send") == "1" and bool(question)
    inputs: list[tuple[str, str, bool]] = []
    used = ["q", "send"] if "q" in args or "send" in args else []
    for key in list(args.keys())[: MAX_INPUTS * 4]:
        value = args.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_RAW:
            continue
        if key.startswith(INPUT_PREFIX) and _VARIABLE.match(key[len(INPUT_PREFIX) :]):
            inputs.append((key[len(INPUT_PREFIX) :], value, False))
            used.append(key)
        elif key not in RESERVED and _VARIABLE.match(key):
            inputs.append((key, value, True))
    if not question and not inputs:
        return None
    return question, send, tuple(inputs[:MAX_INPUTS]), tuple(used)


def _check(kind: str, spec: Mapping[str, Any], text: str) -> Any:
    """The form value for `text` in a field of type `kind`, or None when the form would refuse it."""
    if kind in ("text-input", "paragraph"):
        value = clean_text(text, MAX_VALUE) if kind == "paragraph" else clean_text(text.replace("\n", " "), MAX_VALUE)
        max_length = spec.get("max_length")
        if isinstance(max_length, int) and not isinstance(max_length, bool) and 0 < max_length < len(value):
            return None
        return value or None
    if kind == "select":
        options = spec.get("options")
        return text if isinstance(options, list) and text in options else None
    if kind == "number":
        try:
            number = float(text.strip())
        except ValueError:
            return None
        return text.strip() if math.isfinite(number) else None
    if kind == "checkbox":
        return {
            "1": True,
            "true": True,
            "on": True,
            "yes": True,
            "0": False,
            "false": False,
            "off": False,
            "no": False,
        }.get(text.strip().lower())
    return None


def checked_prefill(raw: RawPrefill | None, params: Mapping | None, fixed: Mapping[str, Any]) -> dict[str, Any] | None:
    """The prefill the page config carries: inputs only for fields of the app's form, each valid for its field.

    `fixed` are the operator's inputs (the app selector's): they win at /talk, so they are not offered.
    """
    if raw is None:
        return None
    question, send, pairs, used = raw
    fields = {spec["variable"]: (kind, spec) for kind, spec in form_fields(params)}
    inputs: dict[str, Any] = {}
    keys = list(used)
    for name, value, dify_form in pairs:
        if name not in fields or name in inputs or fixed.get(name) not in (None, ""):
            continue
        text = dify_value(value) if dify_form else value
        if text is None:
            continue
        checked = _check(*fields[name], text)
        if checked is not None:
            inputs[name] = checked
            if dify_form:
                keys.append(name)
    if not question and not inputs:
        return None
    return {"q": question, "send": send, "inputs": inputs, "keys": keys}
