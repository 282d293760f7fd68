"""Endpoint settings: parsed once per request, every bad value falls back to its default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chat_skins.skins import BY_NAME, DEFAULT_SKIN

LANGUAGES = ("en", "zh-Hans", "ja", "ko", "pt-BR", "es")
TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 4000
MAX_SUGGESTIONS = 8

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$|^https?://\*\.[A-Za-z0-9.-]+$")
# Plain https URLs only: no credentials, quotes, spaces or brackets that could escape an attribute.
_AVATAR = re.compile(
    r"^https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&*+,;=:@/?-]*)?$"
)
_UUID = re.compile(r"^[0-9a-fA-F-]{8,64}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_IMAGE_HOST = re.compile(rf"^(?:\*\.)?{_LABEL}(?:\.{_LABEL})*$")


class SettingsError(ValueError):
    """The settings cannot serve a chat at all (no app chosen)."""


@dataclass(frozen=True)
class Settings:
    app_id: str | None = None
    app_inputs: dict[str, Any] = field(default_factory=dict)
    skin: str = DEFAULT_SKIN
    bot_name: str = ""
    welcome_message: str = ""
    suggested_questions: tuple[str, ...] = ()
    placeholder: str = ""
    language: str = "auto"
    accent_color: str = ""
    avatar_url: str = ""
    footer_text: str = ""
    show_sources: bool = True
    show_progress: bool = True
    show_tool_details: bool = False
    # None: any site may frame the pages; empty tuple: none may.
    allowed_origins: tuple[str, ...] | None = None
    access_code: str = ""
    # Hosts whose images in answers load at once: ("*",) any, () none (each waits for a click).
    image_hosts: tuple[str, ...] = ()

    def require_app(self) -> str:
        if not self.app_id:
            raise SettingsError("No chat app is selected in this endpoint's settings.")
        return self.app_id


def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    if not isinstance(value, str):
        return ""
    # Control characters have no place in a label; keep newlines and tabs.
    cleaned = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    return cleaned.strip()[:limit]


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return default


def _app(value: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(value, Mapping):
        app_id = value.get("app_id")
        inputs = value.get("inputs")
        app_id = app_id if isinstance(app_id, str) and (_UUID.match(app_id) or _is_local_id(app_id)) else None
        return app_id, dict(inputs) if isinstance(inputs, Mapping) else {}
    if isinstance(value, str) and (_UUID.match(value) or _is_local_id(value)):
        return value, {}
    return None, {}


def _is_local_id(value: Any) -> bool:
    # The local host names its apps with short slugs ("demo-chat").
    return isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value) is not None


def _origins(value: Any) -> tuple[str, ...] | None:
    text = _text(value, LONG_TEXT_LIMIT)
    if not text or text == "*":
        return None
    if text.lower() == "none":
        return ()
    parts = [p.rstrip("/") for p in re.split(r"[\s,]+", text) if p]
    valid = tuple(dict.fromkeys(p for p in parts if _ORIGIN.match(p)))
    # A list with nothing valid in it is a typo, not a wish to block everyone.
    return valid or None


def _image_hosts(value: Any) -> tuple[str, ...]:
    """`*`, or host names (`cdn.example.com`, `*.example.com`); a pasted https URL counts for its host."""
    hosts: list[str] = []
    for part in re.split(r"[\s,]+", _text(value, LONG_TEXT_LIMIT).lower()):
        if part == "*":
            return ("*",)
        host = part.removeprefix("https://").split("/", 1)[0]
        if host and _IMAGE_HOST.match(host):
            hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def parse_settings(raw: Mapping[str, Any] | None) -> Settings:
    """Settings from the endpoint's stored values; never raises."""
    raw = raw if isinstance(raw, Mapping) else {}
    app_id, app_inputs = _app(raw.get("app"))
    skin = raw.get("skin")
    language = raw.get("language")
    accent = _text(raw.get("accent_color"), 16)
    avatar = _text(raw.get("avatar_url"), 2000)
    questions = tuple(
        q
        for q in (_text(part, TEXT_LIMIT) for part in _text(raw.get("suggested_questions"), LONG_TEXT_LIMIT).split("|"))
        if q
    )[:MAX_SUGGESTIONS]
    return Settings(
        app_id=app_id,
        app_inputs=app_inputs,
        skin=skin if isinstance(skin, str) and skin in BY_NAME else DEFAULT_SKIN,
        bot_name=_text(raw.get("bot_name"), 80),
        welcome_message=_text(raw.get("welcome_message"), LONG_TEXT_LIMIT),
        suggested_questions=questions,
        placeholder=_text(raw.get("placeholder"), 200),
        language=language if language in LANGUAGES else "auto",
        accent_color=accent.lower() if _HEX.match(accent) else "",
        avatar_url=avatar if _AVATAR.match(avatar) else "",
        footer_text=_text(raw.get("footer_text"), TEXT_LIMIT),
        show_sources=_bool(raw.get("show_sources"), True),
        show_progress=_bool(raw.get("show_progress"), True),
        show_tool_details=_bool(raw.get("show_tool_details"), False),
        allowed_origins=_origins(raw.get("allowed_origins")),
        access_code=_text(raw.get("access_code"), 200),
        image_hosts=_image_hosts(raw.get("image_hosts")),
    )
