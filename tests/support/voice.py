"""A local host whose endpoints have speech models (tests of speak, listen and the voice client)."""

from __future__ import annotations

from tests.support.hooks import DEMO_APP, FAST

VOICE_HOOK = "voice00000000001"  # demo-tts and demo-stt, read_aloud unset (button)
VOICE_LOCKED_HOOK = "voice00000000002"  # the same behind an access code
VOICE_BROKEN_HOOK = "voice00000000003"  # models that fail
VOICE_NONE_HOOK = "voice00000000004"  # no speech model at all
VOICE_BROWSER_HOOK = "voice00000000005"  # read_aloud auto without a TTS model: the browser's own voice
VOICE_AUTO_HOOK = "voice00000000006"  # demo-tts, read_aloud auto
VOICE_CODE = "open-sesame"

TTS = {"provider": "localdify", "model": "demo-tts"}
STT = {"provider": "localdify", "model": "demo-stt"}
APP = {"app_id": DEMO_APP, "inputs": {}, "files": []}
MODELS = {"app": APP, "tts_model": TTS, "stt_model": STT}

VOICE_CONFIG = {
    "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
    "endpoints": [
        {"hook_id": VOICE_HOOK, "name": "Voice", "settings": {**MODELS, "tts_voice": "nova"}},
        {"hook_id": VOICE_LOCKED_HOOK, "name": "Voice locked", "settings": {**MODELS, "access_code": VOICE_CODE}},
        {
            "hook_id": VOICE_BROKEN_HOOK,
            "name": "Voice broken",
            "settings": {
                "app": APP,
                "tts_model": {"provider": "localdify", "model": "broken-tts"},
                "stt_model": {"provider": "localdify", "model": "broken-stt"},
            },
        },
        {"hook_id": VOICE_NONE_HOOK, "name": "No voice", "settings": {"app": APP}},
        {"hook_id": VOICE_BROWSER_HOOK, "name": "Browser voice", "settings": {"app": APP, "read_aloud": "auto"}},
        {"hook_id": VOICE_AUTO_HOOK, "name": "Voice auto", "settings": {**MODELS, "read_aloud": "auto"}},
    ],
}


def webm_recording(size: int = 3000) -> bytes:
    """Bytes that start like a WebM file (an EBML header), then arbitrary but fixed content."""
    head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"
    body = bytes((i * 37 + 11) % 256 for i in range(max(0, size - len(head))))
    return head + body
