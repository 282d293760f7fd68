"""The JSON object the client reads from `data-config` on `#cs-app`: everything server-side it needs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug import Request

from chat_skins.color import accent_palette
from chat_skins.settings import LANGUAGES, LONG_TEXT_LIMIT, MAX_SUGGESTIONS, TEXT_LIMIT, Settings
from chat_skins.skins import Skin

INPUT_TYPES = ("text-input", "paragraph", "select", "number", "checkbox")
MAX_INPUTS = 40
MAX_OPTIONS = 100
THEMES = ("auto", "light", "dark")

_HOOK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_BUBBLE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_ORIGIN = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(?::(\d{1,5}))?$")

# Lowercased language tags (and bare prefixes) mapped to the languages the client ships.
_LANGUAGE_ALIASES = {lang.lower(): lang for lang in LANGUAGES} | {
    "zh": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hans-cn": "zh-Hans",
    "zh-hans-sg": "zh-Hans",
    "pt": "pt-BR",
    "ja-jp": "ja",
    "ko-kr": "ko",
}


def normalize_language(value: Any) -> str | None:
    """A supported language for a tag like `zh`, `zh-CN`, `pt_br`, `EN-us`; None when unsupported."""
    if not isinstance(value, str) or len(value) > 35:
        return None
    tag = value.strip().replace("_", "-").lower()
    if tag in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[tag]
    # Regional variants fall back to their language, except Chinese where script matters.
    primary = tag.split("-", 1)[0]
    if primary in ("en", "es", "ja", "ko"):
        return _LANGUAGE_ALIASES[primary]
    return None


def parse_origin(value: Any) -> str | None:
    """A normalized `scheme://host[:port]` origin, or None."""
    if not isinstance(value, str):
        return None
    match = _ORIGIN.match(value.strip().rstrip("/").lower())
    if not match:
        return None
    scheme, host, port = match.group(1), match.group(2), match.group(3)
    if not host.strip(".") or ".." in host:
        return None
    if port is not None:
        if not 0 < int(port) < 65536:
            return None
        # Browsers never put a default port in an origin.
        if (scheme, port) in (("http", "80"), ("https", "443")):
            port = None
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def origin_allowed(origin: str, allowed: tuple[str, ...] | None) -> bool:
    """Whether `allowed_origins` lets `origin` frame the pages (None: any site; (): none)."""
    if allowed is None:
        return True
    for entry in allowed:
        if "://*." in entry:
            scheme, suffix = entry.split("://*.", 1)
            rest = origin.split("://", 1)
            if rest[0] == scheme and rest[1].lower().endswith("." + suffix.lower()):
                return True
        elif parse_origin(entry) == origin:
            return True
    return False


def _clean(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    # Fast path (C speed) for the usual case: nothing but printable text, newlines and tabs.
    if not value.replace("\n", "").replace("\t", "").isprintable():
        value = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    return value.strip()[:limit]


def _input_field(item: Any) -> dict[str, Any] | None:
    """One sanitized field of the app's user input form, or None for anything unusable."""
    if not isinstance(item, Mapping) or len(item) != 1:
        return None
    kind, spec = next(iter(item.items()))
    if kind not in INPUT_TYPES or not isinstance(spec, Mapping) or spec.get("hide") is True:
        return None
    variable = spec.get("variable")
    if not isinstance(variable, str) or not _VARIABLE.match(variable):
        return None
    max_length = spec.get("max_length")
    options: list[str] = []
    if kind == "select":
        raw = spec.get("options")
        options = [o for o in (_clean(x, TEXT_LIMIT) for x in raw) if o] if isinstance(raw, list) else []
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
        default = _clean(default, LONG_TEXT_LIMIT) or None
    return {
        "type": kind,
        "variable": variable,
        "label": _clean(spec.get("label"), TEXT_LIMIT) or variable,
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
    raw = params.get("user_input_form") if isinstance(params, Mapping) else None
    if not isinstance(raw, list):
        return []
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in raw[:MAX_INPUTS]:
        field = _input_field(item)
        if field and field["variable"] not in seen:
            seen.add(field["variable"])
            fields.append(field)
    return fields


def _suggestions(settings: Settings, params: Mapping | None) -> list[str]:
    if settings.suggested_questions:
        return list(settings.suggested_questions)
    raw = params.get("suggested_questions") if isinstance(params, Mapping) else None
    if not isinstance(raw, list):
        return []
    return [q for q in (_clean(x, TEXT_LIMIT) for x in raw) if q][:MAX_SUGGESTIONS]


def _embed(request: Request, settings: Settings) -> dict[str, str] | None:
    args = request.args
    if args.get("embed") != "1":
        return None
    origin = parse_origin(args.get("origin"))
    if origin is None or not origin_allowed(origin, settings.allowed_origins):
        return None
    bubble = args.get("bubble", "")
    return {"origin": origin, "bubble": bubble if _BUBBLE.match(bubble) else ""}


def request_language(request: Request, settings: Settings) -> str | None:
    """The `language` setting unless it is auto, else a valid `?lang=`, else None (the browser decides)."""
    if settings.language in LANGUAGES:
        return settings.language
    return normalize_language(request.args.get("lang"))


def request_theme(request: Request) -> str:
    """`?theme=light|dark`, else auto."""
    theme = request.args.get("theme", "auto")
    return theme if theme in THEMES else "auto"


def private_config(settings: Settings, params: Mapping | None) -> dict[str, Any]:
    """The parts of the config that only an unlocked visitor may see (all of them without an access code)."""
    welcome = settings.welcome_message
    if not welcome and isinstance(params, Mapping):
        welcome = _clean(params.get("opening_statement"), LONG_TEXT_LIMIT)
    return {
        "welcome": welcome,
        "suggestions": _suggestions(settings, params),
        "placeholder": settings.placeholder or None,
        "inputForm": input_form(params),
        "paramsUnavailable": bool(settings.app_id) and params is None,
    }


# What a locked page carries instead: nothing the operator wrote for visitors who know the code.
LOCKED_PRIVATE = {"welcome": "", "suggestions": [], "placeholder": None, "inputForm": [], "paramsUnavailable": False}


def gated(settings: Settings) -> bool:
    """Whether the page is locked: an access code, or a code setting so broken the page stays closed."""
    return bool(settings.access_code) or settings.access_misconfigured


def build_config(request: Request, settings: Settings, skin: Skin, params: Mapping | None) -> dict[str, Any]:
    """The page config; `params` is the app's parameters or None when they could not be fetched."""
    hook_id = request.headers.get("Dify-Hook-Id", "")
    private = LOCKED_PRIVATE if gated(settings) else private_config(settings, params)
    return {
        "hookId": hook_id if _HOOK_ID.match(hook_id) else "local",
        "skin": skin.name,
        "botName": settings.bot_name,
        "avatarUrl": settings.avatar_url or None,
        "welcome": private["welcome"],
        "suggestions": private["suggestions"],
        "placeholder": private["placeholder"],
        "language": request_language(request, settings),
        "theme": request_theme(request),
        "accent": accent_palette(settings.accent_color) if settings.accent_color else None,
        "footer": settings.footer_text,
        "showSources": settings.show_sources,
        "showProgress": settings.show_progress,
        "imageHosts": list(settings.image_hosts),
        "inputForm": private["inputForm"],
        "accessRequired": gated(settings),
        "accessMisconfigured": settings.access_misconfigured,
        "appConfigured": bool(settings.app_id),
        "paramsUnavailable": private["paramsUnavailable"],
        "embed": _embed(request, settings),
        "preview": request.args.get("preview") == "1",
        "urls": {"talk": "talk", "unlock": "unlock"},
    }
