"""The workspace's speech models, as the daemon answers a plugin's `tts` and `speech2text` calls.

Provider `localdify` offers offline demo models: `demo-tts` (a real WAV: one short tone per word) and
`demo-stt` (always the same sentence), plus `broken-tts` / `broken-stt` that fail like a model whose
provider refuses the call. Provider `dify` with `model: <app name>` uses that `dify`-backend app's own
Service API (`/text-to-audio`, `/audio-to-text`).
"""

from __future__ import annotations

import array
import hashlib
import io
import math
import wave
from collections.abc import Iterator
from typing import Any

from chat_skins.voice_audio import audio_content_type
from localdify.apps import Backend, BackendFailure
from localdify.config import ConfigError, app_uuid

DEMO_PROVIDER = "localdify"
DIFY_PROVIDER = "dify"
DEMO_MODELS = {"tts": ("demo-tts", "broken-tts"), "speech2text": ("demo-stt", "broken-stt")}
DEMO_TRANSCRIPT = "Hello! How do I return an item I bought last week?"
# The text of a model call that fails (what a provider's refusal looks like to the plugin).
MODEL_FAILURE = "PluginInvokeError: the model provider refused the call (localdify demo failure)"

RATE = 16_000
TONE_SECONDS = 0.14
GAP_SECONDS = 0.05
MAX_WORDS = 150  # about 30 seconds of audio
CHUNK_BYTES = 8 * 1024
# A pentatonic scale around A4: every word gets one of these pitches, picked by its letters.
PITCHES = (392.0, 440.0, 523.25, 587.33, 659.25, 783.99)


def tone_wav(text: str) -> bytes:
    """A WAV file with one short, softened tone per word of `text` (its pitch follows the word)."""
    words = text.split()[:MAX_WORDS] or ["…"]
    samples = array.array("h")
    tone_len, gap_len = int(RATE * TONE_SECONDS), int(RATE * GAP_SECONDS)
    fade = int(RATE * 0.01)
    for word in words:
        pitch = PITCHES[hashlib.sha256(word.encode("utf-8")).digest()[0] % len(PITCHES)]
        step = 2 * math.pi * pitch / RATE
        for i in range(tone_len):
            envelope = min(1.0, i / fade, (tone_len - i) / fade)
            samples.append(int(9000 * envelope * math.sin(step * i)))
        samples.extend([0] * gap_len)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return out.getvalue()


# Dify's upload checks a recording's extension against its container (the plugin's sniffing says which).
EXTENSIONS = {
    "audio/webm": "webm",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "audio/flac": "flac",
    "audio/aac": "aac",
    "audio/mpeg": "mp3",
}


def recording_name(audio: bytes) -> str:
    """A file name whose extension matches the recording's container."""
    return f"recording.{EXTENSIONS[audio_content_type(audio)]}"


def check_model(scope: str | None, value: dict[str, Any], apps: dict[str, dict[str, Any]]) -> None:
    """Dify offers only models that exist: refuse a config that names any other."""
    provider, model = value.get("provider"), value.get("model")
    if provider == DEMO_PROVIDER:
        known = DEMO_MODELS.get(str(scope), ())
        if model not in known:
            raise ConfigError(f"model {provider}/{model} is not a {scope} model (the demo has {', '.join(known)})")
    elif provider == DIFY_PROVIDER:
        app = apps.get(app_uuid(str(model)))
        if app is None or app.get("backend") != "dify":
            raise ConfigError(f"model dify/{model}: name an app of the config whose backend is dify")
    else:
        raise ConfigError(f"model provider {provider!r}: the local host has {DEMO_PROVIDER} and {DIFY_PROVIDER}")


class VoiceModels:
    """Answers tts and speech2text calls; records each call for tests (`calls`)."""

    def __init__(self, backends: dict[str, Backend]) -> None:
        self.backends = backends
        self.calls: list[dict[str, Any]] = []

    def _dify_app(self, model: str) -> Any:
        backend = self.backends.get(app_uuid(model))
        if backend is None or not hasattr(backend, "text_to_audio"):
            raise BackendFailure(f"Model {model} not exist.")
        return backend

    def tts(self, request: dict[str, Any]) -> Iterator[bytes]:
        provider, model = request.get("provider"), str(request.get("model") or "")
        text, voice = str(request.get("content_text") or ""), str(request.get("voice") or "")
        # `audio`: every byte the model produced, to compare with what reached the browser.
        call = {"type": "tts", "provider": provider, "model": model, "voice": voice, "content_text": text, "audio": b""}
        self.calls.append(call)
        for chunk in self._tts_chunks(provider, model, text, voice):
            call["audio"] += chunk
            yield chunk

    def _tts_chunks(self, provider: Any, model: str, text: str, voice: str) -> Iterator[bytes]:
        if provider == DIFY_PROVIDER:
            yield from self._dify_app(model).text_to_audio(text, voice)
            return
        if provider != DEMO_PROVIDER or model not in DEMO_MODELS["tts"]:
            raise BackendFailure(f"Model {model} not exist.")
        if model == "broken-tts":
            raise BackendFailure(MODEL_FAILURE)
        audio = tone_wav(text)
        for start in range(0, len(audio), CHUNK_BYTES):
            yield audio[start : start + CHUNK_BYTES]

    def speech2text(self, request: dict[str, Any], audio: bytes) -> str:
        provider, model = request.get("provider"), str(request.get("model") or "")
        self.calls.append({"type": "speech2text", "provider": provider, "model": model, "file": audio})
        if provider == DIFY_PROVIDER:
            return self._dify_app(model).audio_to_text(audio, recording_name(audio))
        if provider != DEMO_PROVIDER or model not in DEMO_MODELS["speech2text"]:
            raise BackendFailure(f"Model {model} not exist.")
        if model == "broken-stt":
            raise BackendFailure(MODEL_FAILURE)
        return DEMO_TRANSCRIPT
