"""Formats and limits of the voice endpoints: what a recording may be, what a TTS model's audio is (pure)."""

from __future__ import annotations

# What browsers' MediaRecorder produces (webm: Chromium, ogg: Firefox, mp4: Safari) and plain files.
ACCEPTED_RECORDING_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/wav", "audio/mpeg")

# The daemon carries a recording hex-encoded in one line that must stay under 5 MiB.
MAX_RECORDING_BYTES = 2 * 1024 * 1024
# The most text one speak request reads aloud (the page splits longer answers).
MAX_SPEAK_CHARS = 4000

# TTS models answer in MP3 unless their first bytes say otherwise (the SDK carries no content type).
DEFAULT_SPEECH_TYPE = "audio/mpeg"


def audio_content_type(first: bytes) -> str:
    """The content type of audio that starts with these bytes: its container's signature, else MP3."""
    if first[:4] == b"RIFF" and first[8:12] == b"WAVE":
        return "audio/wav"
    if first[:4] == b"OggS":
        return "audio/ogg"
    if first[:4] == b"fLaC":
        return "audio/flac"
    if first[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"
    if first[4:8] == b"ftyp":
        return "audio/mp4"
    if first[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "audio/aac"
    return DEFAULT_SPEECH_TYPE
