"""POST speak and POST listen through the local host and the real SDK runtime (tts / speech2text calls)."""

from __future__ import annotations

import wave
from io import BytesIO

import pytest

from chat_skins.errors import CATALOGUE
from localdify import Host
from tests.support.fixtures import REPO_ROOT
from tests.support.host_client import request
from tests.support.voice import (
    VOICE_BROKEN_HOOK,
    VOICE_CODE,
    VOICE_CONFIG,
    VOICE_HOOK,
    VOICE_LOCKED_HOOK,
    VOICE_NONE_HOOK,
    webm_recording,
)

ANSWER = (
    "## Returns\n\nYou can return **most items** within *30 days* at [the portal](https://shop.example/returns).\n\n"
    "```sh\ncurl https://shop.example/api\n```\n\n- Open `Orders`\n- Press **Return**"
)
SPOKEN = "Returns\nYou can return most items within 30 days at the portal.\nOpen Orders\nPress Return"


@pytest.fixture(scope="module")
def voice_host():
    with Host(VOICE_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture
def clean(voice_host):
    """Checks, after the test, that the plugin raised nothing through the runtime."""
    before = len(voice_host.plugin_errors)
    yield voice_host
    assert voice_host.plugin_errors[before:] == []


def speak(host, body, hook=VOICE_HOOK, headers=None):
    return request(host.url(hook, "/speak"), "POST", body, headers=headers, timeout=60)


def listen(host, audio, content_type="audio/webm;codecs=opus", hook=VOICE_HOOK, headers=None):
    return request(
        host.url(hook, "/listen"), "POST", audio, headers={"Content-Type": content_type, **(headers or {})}, timeout=60
    )


def assert_error(reply, status, code):
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == "application/json"
    assert b"Traceback" not in reply.body
    body = reply.json()
    assert body["code"] == code and body["status"] == status and code in CATALOGUE
    assert isinstance(body["message"], str) and body["message"]


def test_speak_streams_the_models_audio_unchanged_and_sends_it_plain_text(clean):
    before = len(clean.model_calls)
    reply = speak(clean, {"text": ANSWER, "message_id": "m-1"})
    assert reply.status == 200, reply.body
    (call,) = clean.model_calls[before:]
    assert call["type"] == "tts"
    assert (call["provider"], call["model"], call["voice"]) == ("localdify", "demo-tts", "nova")
    assert call["content_text"] == SPOKEN
    assert reply.body == call["audio"]
    assert reply.headers["Content-Type"] == "audio/wav"
    assert reply.headers["Cache-Control"] == "no-store"
    with wave.open(BytesIO(reply.body)) as w:
        # One tone per spoken word: real, playable audio.
        assert w.getnframes() / w.getframerate() > 1.0


def test_long_speech_arrives_in_several_reads(clean):
    before = len(clean.model_calls)
    reply = speak(clean, {"text": " ".join(f"word{i}" for i in range(150))})
    assert reply.status == 200
    assert reply.body == clean.model_calls[before]["audio"]
    assert len(reply.body) > 500_000
    # Streamed as it came, not collected into one body.
    assert len(reply.chunks) > 3


def test_listen_returns_the_transcript_and_passes_the_recording_unchanged(clean):
    recording = webm_recording(200_000)
    before = len(clean.model_calls)
    reply = listen(clean, recording)
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"text": "Hello! How do I return an item I bought last week?"}
    (call,) = clean.model_calls[before:]
    assert (call["type"], call["provider"], call["model"]) == ("speech2text", "localdify", "demo-stt")
    assert call["file"] == recording


def test_listen_takes_a_recording_of_exactly_two_mib(clean):
    recording = webm_recording(2 * 1024 * 1024)
    before = len(clean.model_calls)
    reply = listen(clean, recording, "audio/ogg")
    assert reply.status == 200, reply.body
    assert clean.model_calls[before]["file"] == recording


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "text_required"),
        ({"text": "   \n "}, 400, "text_required"),
        ({}, 400, "text_required"),
        ({"text": "```\nprint(1)\n```\nhttps://example.com"}, 400, "text_required"),
        ({"text": 42}, 400, "invalid_param"),
        ({"text": "Hi", "message_id": ["x"]}, 400, "invalid_param"),
        ({"text": "x" * 4001}, 400, "text_too_long"),
    ],
)
def test_speak_refuses_bad_text_before_any_model_call(clean, body, status, code):
    before = len(clean.model_calls)
    assert_error(speak(clean, body), status, code)
    assert clean.model_calls[before:] == []


@pytest.mark.parametrize(
    ("data", "headers", "status", "code"),
    [
        (b"", {"Content-Type": "application/json"}, 413, "empty_body"),
        (b'{"text": "' + b"a" * 60_000 + b'"}', {"Content-Type": "application/json"}, 413, "payload_too_large"),
        (b'{"text": "hi"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        (b"{not json", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'["text"]', {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'{"text": "hi"}', {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403,
         "cross_site_request"),
    ],
)  # fmt: skip
def test_speak_refuses_bad_requests(clean, data, headers, status, code):
    before = len(clean.model_calls)
    assert_error(speak(clean, data, headers=headers), status, code)
    assert clean.model_calls[before:] == []


@pytest.mark.parametrize(
    ("audio", "content_type", "headers", "status", "code"),
    [
        (b"", "audio/webm", {}, 413, "empty_body"),
        (webm_recording(2 * 1024 * 1024 + 1), "audio/webm", {}, 413, "payload_too_large"),
        (webm_recording(), "application/json", {}, 415, "unsupported_media_type"),
        (webm_recording(), "video/webm", {}, 415, "unsupported_media_type"),
        (webm_recording(), "audio/webm", {"Sec-Fetch-Site": "same-site"}, 403, "cross_site_request"),
    ],
)
def test_listen_refuses_bad_requests(clean, audio, content_type, headers, status, code):
    before = len(clean.model_calls)
    assert_error(listen(clean, audio, content_type, headers=headers), status, code)
    assert clean.model_calls[before:] == []


def test_without_models_both_say_so(clean):
    assert_error(speak(clean, {"text": "Hi"}, hook=VOICE_NONE_HOOK), 503, "tts_not_configured")
    assert_error(listen(clean, webm_recording(), hook=VOICE_NONE_HOOK), 503, "stt_not_configured")


def test_a_failing_model_is_a_clean_json_error(clean):
    assert_error(speak(clean, {"text": "Hi there"}, hook=VOICE_BROKEN_HOOK), 502, "speech_failed")
    assert_error(listen(clean, webm_recording(), hook=VOICE_BROKEN_HOOK), 502, "transcription_failed")


def test_access_code_is_honoured_like_talk(clean):
    before = len(clean.model_calls)
    assert_error(speak(clean, {"text": "Hi"}, hook=VOICE_LOCKED_HOOK), 401, "unauthorized")
    assert_error(listen(clean, webm_recording(), hook=VOICE_LOCKED_HOOK), 401, "unauthorized")
    bad = {"Authorization": "Bearer v2.123.forged"}
    assert_error(speak(clean, {"text": "Hi"}, hook=VOICE_LOCKED_HOOK, headers=bad), 401, "unauthorized")
    assert clean.model_calls[before:] == []

    unlocked = request(clean.url(VOICE_LOCKED_HOOK, "/unlock"), "POST", {"code": VOICE_CODE})
    assert unlocked.status == 200, unlocked.body
    auth = {"Authorization": f"Bearer {unlocked.json()['token']}"}
    spoken = speak(clean, {"text": "Hi"}, hook=VOICE_LOCKED_HOOK, headers=auth)
    assert spoken.status == 200 and spoken.headers["Content-Type"] == "audio/wav"
    heard = listen(clean, webm_recording(), hook=VOICE_LOCKED_HOOK, headers=auth)
    assert heard.status == 200 and heard.json()["text"]
