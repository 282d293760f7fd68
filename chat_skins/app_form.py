"""The app's user input form (`user_input_form` of its parameters): read once here for the page and /talk."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chat_skins.settings import LONG_TEXT_LIMIT, TEXT_LIMIT

INPUT_TYPES = ("text-input", "paragraph", "select", "number", "checkbox")
MAX_INPUTS = 40
MAX_OPTIONS = 100

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


def form_fields(params: Mapping[str, Any] | None) -> list[tuple[str, Mapping[str, Any]]]:
    """The form as (type, spec) pairs, in order; entries that are not `{type: {variable: ...}}` are skipped."""
    form = params.get("user_input_form") if isinstance(params, Mapping) else None
    fields: list[tuple[str, Mapping[str, Any]]] = []
    if not isinstance(form, list):
        return fields
    for entry in form:
        if not isinstance(entry, Mapping) or len(entry) != 1:
            continue
        ((kind, spec),) = entry.items()
        if isinstance(spec, Mapping) and isinstance(spec.get("variable"), str):
            fields.append((str(kind), spec))
    return fields


def clean_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    # Fast path (C speed) for the usual case: nothing but printable text, newlines and tabs.
    if not value.replace("\n", "").replace("\t", "").isprintable():
        value = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    return value.strip()[:limit]


def _input_field(item: tuple[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """One sanitized field of the app's user input form, or None for anything unusable."""
    kind, spec = item
    variable = spec["variable"]
    if kind not in INPUT_TYPES or spec.get("hide") is True or not _VARIABLE.match(variable):
        return None
    max_length = spec.get("max_length")
    options: list[str] = []
    if kind == "select":
        raw = spec.get("options")
        options = [o for o in (clean_text(x, TEXT_LIMIT) for x in raw) if o] if isinstance(raw, list) else []
        options = list(dict.fromkeys(options))[:MAX_OPTIONS]
        if not options:
            return None
    default: Any = spec.get("default")
    if kind == "checkbox":
        default = default if isinstance(default, bool) else False
    elif kind == "number":
        default = default if isinstance(default, int | float) and not isinstance(default, bool) else None
    elif kind == "select":
        default = default if isinstance(default, str) and default in options else None
    else:
        default = clean_text(default, LONG_TEXT_LIMIT) or None
    return {
        "type": kind,
        "variable": variable,
        "label": clean_text(spec.get("label"), TEXT_LIMIT) or variable,
        "required": spec.get("required") is True,
        "maxLength": max_length
        if kind in ("text-input", "paragraph")
        and isinstance(max_length, int)
        and not isinstance(max_length, bool)
        and 0 < max_length <= 100_000
        else None,
        "options": options,
        "default": default,
    }


def input_form(params: Mapping | None) -> list[dict[str, Any]]:
    """The app's user input form, reduced to the field types and keys the client renders."""
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in form_fields(params)[:MAX_INPUTS]:
        field = _input_field(item)
        if field and field["variable"] not in seen:
            seen.add(field["variable"])
            fields.append(field)
    return fields
