"""speak and listen through the real SDK runtime, with the speech models of a `dify`-backend app:
the local host calls a fake Dify Service API (`/text-to-audio`, `/audio-to-text`) on 127.0.0.1."""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from localdify import Host
from localdify.config import ConfigError
from localdify.voice import recording_name
from tests.support.fixtures import REPO_ROOT
from tests.support.host_client import request
from tests.support.voice import webm_recording

HOOK = "voicedify0000001"
AUDIO = b"ID3\x04\x00\x00" + bytes(range(256)) * 200  # MP3-like bytes, several chunks long


class FakeDify(BaseHTTPRequestHandler):
    received: list[dict] = []

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") != "Bearer app-test":
            return self._send(
                401, b'{"code":"unauthorized","message":"Access token is invalid","status":401}', "application/json"
            )
        if self.path == "/v1/text-to-audio":
            FakeDify.received.append({"path": self.path, "body": json.loads(raw)})
            return self._send(200, AUDIO, "audio/mpeg")
        if self.path == "/v1/audio-to-text":
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
            parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
            FakeDify.received.append(
                {
                    "path": self.path,
                    "user": parts["user"].get_content(),
                    "filename": parts["file"].get_filename(),
                    "file": parts["file"].get_payload(decode=True),
                }
            )
            return self._send(200, b'{"text": "Where is my parcel?"}', "application/json")
        return self._send(404, b"{}", "application/json")


@pytest.fixture(scope="module")
def fake_dify():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def config(url: str, key: str = "app-test") -> dict:
    model = {"provider": "dify", "model": "real-app"}
    return {
        "apps": {"real-app": {"backend": "dify", "base_url": url, "api_key": key}},
        "endpoints": [
            {
                "hook_id": HOOK,
                "name": "Voice via Dify",
                "settings": {
                    "app": {"app_id": "real-app"},
                    "tts_model": model,
                    "stt_model": model,
                    "tts_voice": "echo",
                },
            }
        ],
    }


@pytest.fixture(scope="module")
def dify_host(fake_dify):
    with Host(config(fake_dify), plugin_dir=REPO_ROOT) as h:
        yield h


def test_speak_uses_the_apps_text_to_audio(dify_host):
    reply = request(dify_host.url(HOOK, "/speak"), "POST", {"text": "Your **parcel** is [here](https://t.example)."})
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "audio/mpeg"
    assert reply.body == AUDIO
    assert FakeDify.received[-1] == {
        "path": "/v1/text-to-audio",
        "body": {"text": "Your parcel is here.", "user": "localdify", "voice": "echo"},
    }
    assert dify_host.plugin_errors == []


def test_listen_uses_the_apps_audio_to_text(dify_host):
    recording = webm_recording(50_000)
    reply = request(dify_host.url(HOOK, "/listen"), "POST", recording, headers={"Content-Type": "audio/webm"})
    assert reply.status == 200, reply.body
    assert reply.json() == {"text": "Where is my parcel?"}
    assert FakeDify.received[-1] == {
        "path": "/v1/audio-to-text",
        "user": "localdify",
        "filename": "recording.webm",
        "file": recording,
    }


def test_a_refused_key_is_a_clean_error(fake_dify):
    with Host(config(fake_dify, key="app-wrong"), plugin_dir=REPO_ROOT) as h:
        spoken = request(h.url(HOOK, "/speak"), "POST", {"text": "Hello"})
        heard = request(h.url(HOOK, "/listen"), "POST", webm_recording(), headers={"Content-Type": "audio/ogg"})
        assert h.plugin_errors == []
    assert (spoken.status, spoken.json()["code"]) == (502, "speech_failed")
    assert (heard.status, heard.json()["code"]) == (502, "transcription_failed")


@pytest.mark.parametrize(
    "model",
    [
        {"provider": "dify", "model": "nope"},
        {"provider": "localdify", "model": "demo-stt"},  # not a tts model
        {"provider": "openai", "model": "tts-1"},
    ],
)
def test_the_host_refuses_models_it_does_not_have(model):
    cfg = {
        "apps": {"demo-chat": {"backend": "demo"}},
        "endpoints": [{"name": "x", "settings": {"app": {"app_id": "demo-chat"}, "tts_model": model}}],
    }
    with pytest.raises(ConfigError, match="tts_model"):
        Host(cfg, plugin_dir=REPO_ROOT)


@pytest.mark.parametrize(
    ("first", "name"),
    [
        (b"\x1a\x45\xdf\xa3" + bytes(12), "recording.webm"),
        (b"OggS" + bytes(12), "recording.ogg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "recording.wav"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(4), "recording.m4a"),
        (b"ID3\x04" + bytes(12), "recording.mp3"),
    ],
)
def test_a_recording_is_named_after_its_container(first, name):
    # The same sniffing as the plugin's (chat_skins/voice_audio.py), so both agree on what a recording is.
    assert recording_name(first) == name
