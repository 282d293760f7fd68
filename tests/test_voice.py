"""Voice, pure parts: settings, speakable text, audio types, the page config, the handlers in-process."""

from __future__ import annotations

import json

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins.page_config import voice_config
from chat_skins.security import page_headers
from chat_skins.settings import ModelRef, parse_settings
from chat_skins.voice import handle_listen, handle_speak, model_error
from chat_skins.voice_audio import audio_content_type
from chat_skins.voice_text import speakable

TTS = {"provider": "langgenius/openai/openai", "model": "tts-1", "model_type": "tts"}
STT = {"provider": "langgenius/openai/openai", "model": "whisper-1", "model_type": "speech2text"}


def post(data: bytes | dict, content_type: str = "application/json", headers: dict | None = None) -> Request:
    raw = json.dumps(data).encode() if isinstance(data, dict) else data
    return Request(
        EnvironBuilder(method="POST", data=raw, content_type=content_type, headers=headers or {}).get_environ()
    )


@pytest.mark.parametrize(
    ("raw", "stt", "tts", "read_aloud"),
    [
        ({}, None, None, "off"),
        ({"tts_model": TTS}, None, ModelRef("langgenius/openai/openai", "tts-1"), "button"),
        ({"tts_model": TTS, "read_aloud": "auto"}, None, ModelRef("langgenius/openai/openai", "tts-1"), "auto"),
        ({"tts_model": TTS, "read_aloud": "off"}, None, ModelRef("langgenius/openai/openai", "tts-1"), "off"),
        ({"stt_model": STT}, ModelRef("langgenius/openai/openai", "whisper-1"), None, "off"),
        ({"read_aloud": "button"}, None, None, "button"),
        ({"read_aloud": "loud", "tts_model": "tts-1"}, None, None, "off"),
        ({"stt_model": {"provider": "", "model": "x"}, "tts_model": {"model": "x"}}, None, None, "off"),
        ({"stt_model": {"provider": "p", "model": 7}, "tts_model": ["p", "m"]}, None, None, "off"),
    ],
)
def test_voice_settings(raw, stt, tts, read_aloud):
    s = parse_settings(raw)
    assert (s.stt_model, s.tts_model, s.read_aloud) == (stt, tts, read_aloud)


def test_voice_name_is_cleaned_text():
    assert parse_settings({"tts_voice": "  nova\x00 "}).tts_voice == "nova"
    assert parse_settings({"tts_voice": 3}).tts_voice == ""


@pytest.mark.parametrize(
    ("markdown", "spoken"),
    [
        ("**Bold** and *italic* and ~~gone~~ and __strong__", "Bold and italic and gone and strong"),
        ("See [the docs](https://a.example/x), https://b.example/y?q=1 <https://c.example>.", "See the docs, ."),
        ("Run:\n```python\nprint('hi')\n```\nDone.", "Run:\nDone."),
        ("~~~\ncode\n~~~\nAfter", "After"),
        ("Type `yes` to agree.", "Type yes to agree."),
        ("# Title\n> quoted\n- one\n2. two\n- [x] done", "Title\nquoted\none\ntwo\ndone"),
        ("| a | b |\n|---|:-:|\n| 1 | 2 |", "a, b\n1, 2"),
        ("<think>plan the answer</think>The answer.", "The answer."),
        ("![a red shoe](https://img.example/shoe.png)", "a red shoe"),
        ("Fish &amp; chips<br>tonight", "Fish & chips tonight"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("Footnote[^1].\n\n[^1]: https://x.example", "Footnote."),
        ("---\n***\n", ""),
        ("日本語の**回答**です。", "日本語の回答です。"),
    ],
)  # fmt: skip
def test_speakable(markdown, spoken):
    assert speakable(markdown) == spoken


@pytest.mark.parametrize(
    ("first", "content_type"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"\x1a\x45\xdf\xa3\x9f", "audio/webm"),
        (b"\x00\x00\x00\x18ftypM4A ", "audio/mp4"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"x", "audio/mpeg"),
    ],
)
def test_audio_content_type(first, content_type):
    assert audio_content_type(first) == content_type


def test_voice_page_config():
    assert voice_config(parse_settings({})) is None
    full = voice_config(parse_settings({"tts_model": TTS, "stt_model": STT}))
    assert full == {
        "listen": True,
        "speak": "model",
        "auto": False,
        "urls": {"speak": "speak", "listen": "listen"},
        "maxBytes": 2 * 1024 * 1024,
        "maxChars": 4000,
    }
    browser = voice_config(parse_settings({"read_aloud": "auto"}))
    assert (browser["listen"], browser["speak"], browser["auto"]) == (False, "browser", True)
    assert voice_config(parse_settings({"tts_model": TTS, "read_aloud": "off"})) is None


def test_pages_allow_the_microphone_for_themselves_only_and_play_blob_audio():
    headers = dict(page_headers(None))
    assert "microphone=(self)" in headers["Permissions-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "media-src 'self' blob:" in headers["Content-Security-Policy"]


def test_speak_in_process_pulls_the_first_chunk_before_answering():
    calls = []

    def synthesize(model, voice, text):
        calls.append((model, voice, text))
        yield b""
        yield b"ID3" + b"\x00" * 10
        raise RuntimeError("connection reset")

    r = handle_speak(post({"text": "Hello *there*"}), {"tts_model": TTS, "tts_voice": "alloy"}, synthesize)
    assert r.status_code == 200 and r.mimetype == "audio/mpeg"
    assert calls == [(ModelRef("langgenius/openai/openai", "tts-1"), "alloy", "Hello there")]
    # A failure after the first audio only ends the audio: no error text inside an audio body.
    assert b"".join(r.response) == b"ID3" + b"\x00" * 10


def test_speak_in_process_model_failures():
    def refuse(model, voice, text):
        raise Exception("PluginInvokeError: quota exceeded")
        yield b""

    def silent(model, voice, text):
        return iter(())

    def slow(model, voice, text):
        raise Exception("invocation exited without response after 250 seconds")

    for fn, status, code in ((refuse, 502, "speech_failed"), (silent, 502, "speech_failed"), (slow, 504, "timeout")):
        r = handle_speak(post({"text": "Hi"}), {"tts_model": TTS}, fn)
        assert (r.status_code, json.loads(r.get_data())["code"]) == (status, code)


def test_listen_in_process():
    got = []

    def transcribe(model, audio):
        got.append(audio)
        return "  Hello\x07 there \n"

    r = handle_listen(post(b"OggS-data", "audio/ogg; codecs=opus"), {"stt_model": STT}, transcribe)
    assert r.status_code == 200 and json.loads(r.get_data()) == {"text": "Hello there"}
    assert got == [b"OggS-data"]
    r = handle_listen(post(b"OggS", "audio/ogg"), {"stt_model": STT}, lambda m, a: 1 / 0)
    assert (r.status_code, json.loads(r.get_data())["code"]) == (502, "transcription_failed")


def test_model_error_mapping():
    assert model_error(Exception("request timed out"), "speech_failed").code == "timeout"
    assert model_error(Exception("no credentials"), "transcription_failed").code == "transcription_failed"
