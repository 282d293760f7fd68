"""The JSON object the client reads from `data-config` on `#cs-app`: everything server-side it needs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug import Request

from chat_skins.app_form import clean_text, input_form
from chat_skins.assets import lazy_chunks
from chat_skins.color import accent_palette
from chat_skins.custom_css import custom_css
from chat_skins.language import direction, page_strings, resolve_language, resolve_theme
from chat_skins.origins import origin_allowed, parse_origin
from chat_skins.prefill import RawPrefill, checked_prefill, read_prefill
from chat_skins.settings import LONG_TEXT_LIMIT, MAX_SUGGESTIONS, TEXT_LIMIT, Settings
from chat_skins.skins import Skin
from chat_skins.voice_audio import MAX_RECORDING_BYTES, MAX_SPEAK_CHARS

_HOOK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BUBBLE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _suggestions(questions: tuple[str, ...], params: Mapping | None) -> list[str]:
    if questions:
        return list(questions)
    raw = params.get("suggested_questions") if isinstance(params, Mapping) else None
    if not isinstance(raw, list):
        return []
    return [q for q in (clean_text(x, TEXT_LIMIT) for x in raw) if q][:MAX_SUGGESTIONS]


def embed_context(request: Request, settings: Settings) -> tuple[str, str] | None:
    """(host page origin, bubble id) of a page opened by the embed script from an allowed site, else None."""
    args = request.args
    if args.get("embed") != "1":
        return None
    origin = parse_origin(args.get("origin"))
    if origin is None or not origin_allowed(origin, settings.allowed_origins):
        return None
    bubble = args.get("bubble", "")
    return origin, bubble if _BUBBLE.match(bubble) else ""


def request_language(request: Request, settings: Settings) -> str:
    """The page language: the setting, `?lang=`, the browser's languages, English (chat_skins/language.py)."""
    return resolve_language(settings.language, request.args.get("lang"), request.headers.get("Accept-Language"))


def language_vary(request: Request, settings: Settings) -> tuple[str, ...]:
    """`Vary: Accept-Language` when that header chose the language (neither the setting nor `?lang=`)."""
    return ("Accept-Language",) if settings.language == "auto" and "lang" not in request.args else ()


def request_theme(request: Request, settings: Settings) -> str:
    """`light`, `dark` or `auto`: the setting, then `?theme=`."""
    return resolve_theme(settings.theme, request.args.get("theme"))


def private_config(settings: Settings, params: Mapping | None, lang: str) -> dict[str, Any]:
    """The parts of the config that only an unlocked visitor may see (all of them without an access code)."""
    welcome, questions, placeholder = settings.texts_for(lang)
    if not welcome and isinstance(params, Mapping):
        welcome = clean_text(params.get("opening_statement"), LONG_TEXT_LIMIT)
    return {
        "welcome": welcome,
        "suggestions": _suggestions(questions, params),
        "placeholder": placeholder or None,
        "inputForm": input_form(params),
        "paramsUnavailable": bool(settings.app_id) and params is None,
    }


# What a locked page carries instead: nothing the operator wrote for visitors who know the code.
LOCKED_PRIVATE = {"welcome": "", "suggestions": [], "placeholder": None, "inputForm": [], "paramsUnavailable": False}


def voice_config(settings: Settings) -> dict[str, Any] | None:
    """What the page offers by voice (docs/voice.md), or None for nothing at all."""
    listen = settings.stt_model is not None
    # Without a TTS model, reading aloud uses the browser's own voice when the operator asked for it.
    speak = None if settings.read_aloud == "off" else "model" if settings.tts_model else "browser"
    if not listen and not speak:
        return None
    return {
        "listen": listen,
        "speak": speak,
        "auto": speak is not None and settings.read_aloud == "auto",
        "urls": {"speak": "speak", "listen": "listen"},
        "maxBytes": MAX_RECORDING_BYTES,
        "maxChars": MAX_SPEAK_CHARS,
    }


def gated(settings: Settings) -> bool:
    """Whether the page is locked: an access code, or a code setting so broken the page stays closed."""
    return bool(settings.access_code) or settings.access_misconfigured


def hook_id(request: Request) -> str:
    value = request.headers.get("Dify-Hook-Id", "")
    return value if _HOOK_ID.match(value) else "local"


def request_variant(request: Request, settings: Settings) -> dict[str, Any]:
    """What of the request a page depends on, decided once: `build_config`'s keyword arguments."""
    return {
        "hook": hook_id(request),
        "lang": request_language(request, settings),
        "theme": request_theme(request, settings),
        "embed": embed_context(request, settings),
        "preview": request.args.get("preview") == "1",
        "prefill": read_prefill(request.args),
    }


def _unused_strings(settings: Settings, preview: bool) -> tuple[str, ...]:
    """String prefixes of features this page does not offer (their chunks are never loaded)."""
    unused = []
    if voice_config(settings) is None or preview:
        unused.append("voice.")
    if not settings.feedback or preview:
        unused.append("feedback.")
    return tuple(unused)


def _unused_chunks(settings: Settings, preview: bool, embed: bool, prefill: bool) -> frozenset[str]:
    """Lazy chunks (and their sheets) of features this page does not offer: left out of its config."""
    unused = set()
    if voice_config(settings) is None or preview:
        unused |= {"voice", "voice.css"}
    if not settings.feedback or preview:
        unused |= {"feedback", "feedback.css"}
    if not preview:
        unused |= {"preview", "trial"}
    if not embed:
        unused.add("embed")
    if not gated(settings) or preview:
        unused.add("access")
    if not prefill:
        unused.add("prefill")
    return frozenset(unused)


def build_config(
    settings: Settings,
    skin: Skin,
    params: Mapping | None,
    *,
    hook: str = "local",
    lang: str = "en",
    theme: str = "auto",
    embed: tuple[str, str] | None = None,
    preview: bool = False,
    prefill: RawPrefill | None = None,
) -> dict[str, Any]:
    """The page config; `params` is the app's parameters or None when they could not be fetched."""
    private = LOCKED_PRIVATE if gated(settings) else private_config(settings, params, lang)
    operator = operator_config(settings, params, None if preview else prefill, locked=gated(settings))
    unused = _unused_chunks(settings, preview, embed is not None, operator["prefill"] is not None)
    return {
        "hookId": hook,
        "skin": skin.name,
        "botName": settings.bot_name,
        "avatarUrl": settings.avatar_url or None,
        "welcome": private["welcome"],
        "suggestions": private["suggestions"],
        "placeholder": private["placeholder"],
        "lang": lang,
        "dir": direction(lang),
        "theme": theme,
        "strings": page_strings(lang, preview, _unused_strings(settings, preview)),
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
        "embed": {"origin": embed[0], "bubble": embed[1]} if embed else None,
        "preview": preview,
        "urls": {"talk": "talk", "unlock": "unlock", "feedback": "feedback"},
        # Thumbs up/down under answers (static/js/lazy/feedback.js); votes go to `urls.feedback`.
        "feedback": settings.feedback and not preview,
        "voice": voice_config(settings),
        # Lazy client chunks by name (static/js/lazy/); chat/lazy.js imports them on first need.
        "chunks": {name: url for name, url in lazy_chunks().items() if name not in unused},
        **operator,
    }


def operator_config(
    settings: Settings, params: Mapping | None, prefill: RawPrefill | None, *, locked: bool
) -> dict[str, Any]:
    """The operator's additions (issue 15): stylesheet, logo, timestamps, memory, and the link's prefill."""
    sheet = custom_css(settings.custom_css)
    return {
        # The template links it after the skin's stylesheet; relative, like every asset URL.
        "customCss": sheet.url if sheet else None,
        "logoUrl": settings.logo_url or None,
        "timestamps": settings.show_timestamps,
        "memory": settings.conversation_memory,
        # A locked page has no form to check inputs against: only the question is kept.
        "prefill": checked_prefill(prefill, None if locked else params, settings.app_inputs),
    }
