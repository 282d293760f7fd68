"""Endpoint settings: parsed once per request, every bad value falls back to its default."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chat_skins.app_id import is_app_id
from chat_skins.language import NAMES, THEMES
from chat_skins.origins import parse_allowed_origins
from chat_skins.skins import BY_NAME, DEFAULT_SKIN
from chat_skins.variants import pick_variant
from chat_skins.web import BoundedCache

logger = logging.getLogger(__name__)

TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 4000
MAX_SUGGESTIONS = 8
PLACEHOLDER_LIMIT = 200
CUSTOM_CSS_READ_LIMIT = 64 * 1024
MAX_DAILY_LIMIT = 10_000_000

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Characters that render as nothing although `str.isprintable` accepts them (fillers, blank patterns).
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
# Plain https URLs only: no credentials, quotes, spaces or brackets that could escape an attribute.
_AVATAR = re.compile(
    r"^https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&*+,;=:@/?-]*)?$"
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_IMAGE_HOST = re.compile(rf"^(?:\*\.)?{_LABEL}(?:\.{_LABEL})*$")
# Where the page keeps conversations: the browser (localStorage), the tab (sessionStorage), nowhere.
MEMORY_MODES = ("browser", "tab", "none")


READ_ALOUD = ("off", "button", "auto")
MODEL_FIELD_LIMIT = 256


@dataclass(frozen=True)
class ModelRef:
    """A workspace model as a model selector stores it (provider and model name)."""

    provider: str
    model: str


class SettingsError(ValueError):
    """The settings cannot serve a chat at all (no app chosen)."""


@dataclass(frozen=True)
class Settings:
    app_id: str | None = None
    app_inputs: dict[str, Any] = field(default_factory=dict)
    skin: str = DEFAULT_SKIN
    bot_name: str = ""
    # These three may hold per-language variants (chat_skins/variants.py); pick one with `texts_for`.
    welcome_message: str = ""
    suggested_questions_text: str = ""
    placeholder: str = ""
    language: str = "auto"
    theme: str = "auto"
    accent_color: str = ""
    avatar_url: str = ""
    footer_text: str = ""
    show_sources: bool = True
    show_progress: bool = True
    show_tool_details: bool = False
    # None: any site may frame the pages; empty tuple: none may.
    allowed_origins: tuple[str, ...] | None = None
    # Entries of `allowed_origins` that are not origins, ignored (shown in the gallery).
    origins_dropped: tuple[str, ...] = ()
    access_code: str = ""
    # A code was set but has no visible character: the gate stays shut rather than open.
    access_misconfigured: bool = False
    # Hosts whose images in answers load at once: ("*",) any, () none (each waits for a click).
    image_hosts: tuple[str, ...] = ()
    # Operators (issue 15): their stylesheet (checked when served, chat_skins/custom_css.py), their
    # logo in the header, timestamps on messages, and how long the browser keeps conversations.
    custom_css: str = ""
    logo_url: str = ""
    show_timestamps: bool = True
    conversation_memory: str = "browser"
    # Thumbs up/down under answers, stored in plugin storage; the export needs `feedback_key`.
    feedback: bool = False
    feedback_key: str = ""
    # Messages per endpoint per UTC day; None: no limit.
    daily_message_limit: int | None = None
    # Voice (docs/voice.md): the workspace's speech models, chosen with model selectors.
    stt_model: ModelRef | None = None
    tts_model: ModelRef | None = None
    tts_voice: str = ""
    # off | button | auto; without a TTS model, button/auto use the browser's own speech.
    read_aloud: str = "off"

    @property
    def suggested_questions(self) -> tuple[str, ...]:
        """The default variant's questions."""
        return split_questions(pick_variant(self.suggested_questions_text, ""))

    def texts_for(self, lang: str) -> tuple[str, tuple[str, ...], str]:
        """(welcome message, suggested questions, placeholder) in the page language `lang`."""
        return (
            pick_variant(self.welcome_message, lang),
            split_questions(pick_variant(self.suggested_questions_text, lang)),
            pick_variant(self.placeholder, lang)[:PLACEHOLDER_LIMIT],
        )

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


def split_questions(text: str) -> tuple[str, ...]:
    """Suggested questions separated by `|`, cleaned, at most MAX_SUGGESTIONS."""
    return tuple(q for q in (_text(part, TEXT_LIMIT) for part in text.split("|")) if q)[:MAX_SUGGESTIONS]


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
        app_id = app_id if is_app_id(app_id) else None
        return app_id, dict(inputs) if isinstance(inputs, Mapping) else {}
    if is_app_id(value):
        return value, {}
    return None, {}


def has_visible_character(text: str) -> bool:
    """Whether `text` holds a character that shows (not whitespace, a format mark or a blank filler)."""
    for ch in text:
        if ch.isspace() or ch in _BLANK_GLYPHS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"):
            continue
        return True
    return False


_NOT_TEXT = object()


@functools.lru_cache(maxsize=64)
def _access_code(value: Any) -> tuple[str, bool]:
    """(code, misconfigured): a set code with nothing visible in it must not switch the gate off."""
    if value is None or value == "":
        return "", False
    code = _text(value, 200) if isinstance(value, str) else ""
    if not code or not has_visible_character(code):
        logger.warning(
            "access_code: the setting is not empty but has no visible character (only spaces or invisible "
            "marks, or not text); the page stays closed until the code is fixed"
        )
        return "", True
    return code, False


def _custom_css(value: Any) -> str:
    """The raw stylesheet text (bounded a little above the served limit, so an overlong one is refused, not cut)."""
    return value[:CUSTOM_CSS_READ_LIMIT].strip() if isinstance(value, str) else ""


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


def _daily_limit(value: Any) -> int | None:
    """A whole number of messages from 1 up; empty (or anything else, with a warning) is no limit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        number = None
    if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= MAX_DAILY_LIMIT:
        return number
    logger.warning("daily_message_limit: not a whole number from 1 to %d; no limit applies", MAX_DAILY_LIMIT)
    return None


def _model(value: Any) -> ModelRef | None:
    """A model selector's value (`{"provider", "model", ...}`), or None when nothing usable is chosen."""
    if not isinstance(value, Mapping):
        return None
    provider, model = value.get("provider"), value.get("model")
    if not all(isinstance(v, str) and v.strip() and len(v) <= MODEL_FIELD_LIMIT for v in (provider, model)):
        return None
    return ModelRef(provider.strip(), model.strip())


def _read_aloud(value: Any, tts_model: ModelRef | None) -> str:
    """The setting, else `button` when a TTS model is chosen (it is why one is chosen) and `off` without."""
    if isinstance(value, str) and value in READ_ALOUD:
        return value
    return "button" if tts_model else "off"


_parsed: BoundedCache[str, Settings] = BoundedCache(64)


def settings_for(raw: Settings | Mapping[str, Any] | None) -> tuple[Settings, str]:
    """(settings, a cheap key that changes whenever they do): each distinct raw value is parsed once."""
    if isinstance(raw, Settings):
        return raw, repr(raw)
    # The stored values arrive as JSON (strings, numbers, lists, objects): their repr is a faithful key.
    key = repr(raw)
    return _parsed.get_or_make(key, lambda: parse_settings(raw)), key


def parse_settings(raw: Mapping[str, Any] | None) -> Settings:
    """Settings from the endpoint's stored values; never raises."""
    raw = raw if isinstance(raw, Mapping) else {}
    app_id, app_inputs = _app(raw.get("app"))
    skin = raw.get("skin")
    language = raw.get("language")
    accent = _text(raw.get("accent_color"), 16)
    avatar = _text(raw.get("avatar_url"), 2000)
    theme = raw.get("theme")
    origins, dropped = parse_allowed_origins(_text(raw.get("allowed_origins"), LONG_TEXT_LIMIT))
    raw_code = raw.get("access_code")
    logo = _text(raw.get("logo_url"), 2000)
    memory = raw.get("conversation_memory")
    access_code, access_misconfigured = _access_code(raw_code if isinstance(raw_code, str | None) else _NOT_TEXT)
    tts_model = _model(raw.get("tts_model"))
    return Settings(
        app_id=app_id,
        app_inputs=app_inputs,
        skin=skin if isinstance(skin, str) and skin in BY_NAME else DEFAULT_SKIN,
        bot_name=_text(raw.get("bot_name"), 80),
        welcome_message=_text(raw.get("welcome_message"), LONG_TEXT_LIMIT),
        suggested_questions_text=_text(raw.get("suggested_questions"), LONG_TEXT_LIMIT),
        placeholder=_text(raw.get("placeholder"), LONG_TEXT_LIMIT),
        language=language if isinstance(language, str) and language in NAMES else "auto",
        theme=theme if isinstance(theme, str) and theme in THEMES else "auto",
        accent_color=accent.lower() if _HEX.match(accent) else "",
        avatar_url=avatar if _AVATAR.match(avatar) else "",
        footer_text=_text(raw.get("footer_text"), TEXT_LIMIT),
        show_sources=_bool(raw.get("show_sources"), True),
        show_progress=_bool(raw.get("show_progress"), True),
        show_tool_details=_bool(raw.get("show_tool_details"), False),
        allowed_origins=origins,
        origins_dropped=dropped,
        access_code=access_code,
        access_misconfigured=access_misconfigured,
        image_hosts=_image_hosts(raw.get("image_hosts")),
        custom_css=_custom_css(raw.get("custom_css")),
        logo_url=logo if _AVATAR.match(logo) else "",
        show_timestamps=_bool(raw.get("show_timestamps"), True),
        conversation_memory=memory if isinstance(memory, str) and memory in MEMORY_MODES else "browser",
        feedback=_bool(raw.get("feedback"), False),
        feedback_key=_text(raw.get("feedback_key"), 200) if isinstance(raw.get("feedback_key"), str) else "",
        daily_message_limit=_daily_limit(raw.get("daily_message_limit")),
        stt_model=_model(raw.get("stt_model")),
        tts_model=tts_model,
        tts_voice=_text(raw.get("tts_voice"), 100),
        read_aloud=_read_aloud(raw.get("read_aloud"), tts_model),
    )
