"""POST speak (text -> the TTS model's audio, streamed) and POST listen (a recording -> its transcript).

Both refuse everything wrong before a model is called, in the order and JSON shape of /talk
(chat_skins/errors.py); a model failure is a JSON error too, never a traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any

from werkzeug import Request, Response

from chat_skins.access import check_gate
from chat_skins.coalesce import close_quietly, coalesce
from chat_skins.errors import TalkError, error_response, json_response
from chat_skins.same_origin import refuse_foreign_site
from chat_skins.settings import ModelRef, Settings, parse_settings
from chat_skins.talk_request import MAX_QUERY_CHARS, read_json_body, required_text
from chat_skins.voice_audio import (
    ACCEPTED_RECORDING_TYPES,
    MAX_RECORDING_BYTES,
    MAX_SPEAK_CHARS,
    audio_content_type,
)
from chat_skins.voice_text import speakable

logger = logging.getLogger(__name__)

# 4,000 characters of up to 4 UTF-8 bytes each, JSON escapes and a message id fit well below this.
MAX_SPEAK_BODY = 48 * 1024
MAX_MESSAGE_ID = 100
# Audio leaves in chunks of at most this size (one daemon line each), joined within the window.
MAX_AUDIO_CHUNK = 64 * 1024

# (model, voice, plain text) -> the model's audio chunks; (model, recording) -> its transcript.
Synthesize = Callable[[ModelRef, str, str], Iterable[bytes]]
Transcribe = Callable[[ModelRef, bytes], Any]

AUDIO_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Accel-Buffering": "no"}


def _refused(what: str, err: TalkError) -> Response:
    logger.info("%s: refused %s (%s)", what, err.code, err.status)
    return error_response(err)


def _unexpected(what: str, exc: BaseException) -> Response:
    logger.error("%s: unexpected failure (%s)", what, type(exc).__name__)
    logger.debug("%s: unexpected failure", what, exc_info=True)
    return error_response(TalkError.of("internal_server_error"))


def model_error(exc: BaseException, code: str) -> TalkError:
    """Our error for an exception from a model call: a timeout, or the call's own failure code."""
    lowered = str(exc).lower()
    if "exited without response" in lowered or "timed out" in lowered or "timeout" in lowered:
        return TalkError.of("timeout")
    return TalkError.of(code)


# -- speak -----------------------------------------------------------------


def parse_speak_body(body: Mapping[str, Any]) -> str:
    """The text to read, as plain speakable text; raises TalkError."""
    text = required_text(body, "text", MAX_SPEAK_CHARS, "text_required", "text_too_long")
    message_id = body.get("message_id")
    if message_id is not None and (not isinstance(message_id, str) or len(message_id) > MAX_MESSAGE_ID):
        raise TalkError.of("invalid_param", "message_id must be a short string.")
    plain = speakable(text)
    if not plain:
        raise TalkError.of("text_required", "Nothing in this text can be read aloud (only code, links or markup).")
    if "\x00" in plain:
        raise TalkError.of("invalid_param", "text holds characters that cannot be sent.")
    return plain


def _require_body(r: Request) -> None:
    """Refuses a body announced as empty (one without a length is checked once read)."""
    if r.content_length == 0:
        raise TalkError.of("empty_body")


def prepare_speak(r: Request, settings: Settings) -> tuple[ModelRef, str]:
    """Every check that can refuse a speak request, in /talk's order; returns (model, plain text)."""
    refuse_foreign_site(r.headers)
    if settings.tts_model is None:
        raise TalkError.of("tts_not_configured")
    check_gate(r, settings)
    _require_body(r)
    return settings.tts_model, parse_speak_body(read_json_body(r, MAX_SPEAK_BODY))


def handle_speak(r: Request, raw_settings: Mapping | None, synthesize: Synthesize) -> Response:
    """The speak response: a JSON error, or the model's audio streamed as it arrives; never raises."""
    try:
        settings = parse_settings(raw_settings)
        model, text = prepare_speak(r, settings)
    except TalkError as err:
        return _refused("speak", err)
    except Exception as exc:
        return _unexpected("speak", exc)
    started = time.monotonic()
    chunks: Iterator[bytes] | None = None
    try:
        # The SDK's call is lazy: it happens on the first next(), so a refusal still becomes a JSON error.
        chunks = iter(synthesize(model, settings.tts_voice, text))
        first = _first_audio(chunks)
    except Exception as exc:
        close_quietly(chunks, "the speech stream")
        logger.info("speak: the model failed before any audio (%s)", type(exc).__name__)
        logger.debug("speak: the model failed: %s", exc)
        return error_response(model_error(exc, "speech_failed"))
    if first is None:
        close_quietly(chunks, "the speech stream")
        logger.info("speak: the model sent no audio")
        return error_response(TalkError.of("speech_failed"))
    logger.info("speak: %d characters, first audio after %.3fs", len(text), time.monotonic() - started)
    body = coalesce(_audio_items(first, chunks), max_bytes=MAX_AUDIO_CHUNK)
    return Response(body, status=200, content_type=audio_content_type(first), headers=AUDIO_HEADERS)


def _first_audio(chunks: Iterator[bytes]) -> bytes | None:
    for chunk in chunks:
        if chunk:
            return bytes(chunk)
    return None


def _split(chunk: bytes) -> Iterator[bytes]:
    for start in range(0, len(chunk), MAX_AUDIO_CHUNK):
        yield chunk[start : start + MAX_AUDIO_CHUNK]


def _audio_items(first: bytes, rest: Iterator[bytes]) -> Generator[tuple[bytes, bool], None, None]:
    """(bytes, urgent) for the coalescer: the first audio leaves at once; a failure later only ends the audio."""
    sent = 0
    try:
        for piece in _split(first):
            yield piece, sent == 0
            sent += len(piece)
        for chunk in rest:
            for piece in _split(bytes(chunk)):
                yield piece, False
                sent += len(piece)
    except Exception as exc:
        # Headers are gone: the visitor hears the audio so far; no error text may enter an audio body.
        logger.warning("speak: the model's audio broke off after %d bytes (%s)", sent, type(exc).__name__)
        logger.debug("speak: the audio broke off: %s", exc)
    finally:
        close_quietly(rest, "the speech stream")
        logger.info("speak: %d bytes of audio", sent)


# -- listen ----------------------------------------------------------------


def read_recording(r: Request) -> bytes:
    """The recording in the body, after content type and size checks; raises TalkError."""
    _require_body(r)
    mimetype = (r.mimetype or "").lower()
    if mimetype not in ACCEPTED_RECORDING_TYPES:
        raise TalkError.of(
            "unsupported_media_type", "Send the recording as " + ", ".join(ACCEPTED_RECORDING_TYPES) + "."
        )
    length = r.content_length
    if length is not None and length > MAX_RECORDING_BYTES:
        raise TalkError.of("payload_too_large", "The recording is too large (at most 2 MiB).")
    # One byte past the limit tells an oversized body without a length from one that fits.
    audio = r.stream.read(MAX_RECORDING_BYTES + 1)
    if len(audio) > MAX_RECORDING_BYTES:
        raise TalkError.of("payload_too_large", "The recording is too large (at most 2 MiB).")
    if not audio:
        raise TalkError.of("empty_body", "The recording is empty.")
    return audio


def prepare_listen(r: Request, settings: Settings) -> tuple[ModelRef, bytes]:
    """Every check that can refuse a listen request, in /talk's order; returns (model, recording)."""
    refuse_foreign_site(r.headers)
    if settings.stt_model is None:
        raise TalkError.of("stt_not_configured")
    check_gate(r, settings)
    return settings.stt_model, read_recording(r)


def clean_transcript(value: Any) -> str:
    """The model's transcript as message-box text: no control characters, at most a message's length."""
    if not isinstance(value, str):
        return ""
    text = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    return text.strip()[:MAX_QUERY_CHARS]


def handle_listen(r: Request, raw_settings: Mapping | None, transcribe: Transcribe) -> Response:
    """The listen response: `{"text": ...}` or a JSON error; never raises."""
    try:
        model, audio = prepare_listen(r, parse_settings(raw_settings))
    except TalkError as err:
        return _refused("listen", err)
    except Exception as exc:
        return _unexpected("listen", exc)
    started = time.monotonic()
    try:
        result = transcribe(model, audio)
    except Exception as exc:
        logger.info("listen: the model failed (%s)", type(exc).__name__)
        logger.debug("listen: the model failed: %s", exc)
        return error_response(model_error(exc, "transcription_failed"))
    text = clean_transcript(result)
    logger.info("listen: %d bytes -> %d characters in %.3fs", len(audio), len(text), time.monotonic() - started)
    return json_response({"text": text}, 200)
