"""The `dify` backend against a fake Dify Service API on 127.0.0.1 (no real Dify needed)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from localdify.apps import BackendFailure, Turn
from localdify.apps.dify import DifyBackend
from localdify.chat import ChatService
from tests.support.fixtures import REPO_ROOT

CHUNKS = [
    {"event": "message", "conversation_id": "c-1", "message_id": "m-1", "answer": "Hel"},
    {"event": "ping"},
    {"event": "message", "conversation_id": "c-1", "message_id": "m-1", "answer": "lo"},
    {"event": "message_end", "conversation_id": "c-1", "message_id": "m-1", "metadata": {"usage": {}}},
]


class FakeDify(BaseHTTPRequestHandler):
    received: list[dict] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer app-test":
            return self._send(401, b'{"code":"unauthorized","message":"Access token is invalid","status":401}')
        if self.path.startswith("/v1/parameters"):
            return self._send(200, json.dumps({"opening_statement": "from fake dify"}).encode())
        return self._send(404, b"{}")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeDify.received.append(body)
        if body["conversation_id"] == "gone":
            return self._send(404, b'{"code":"not_found","message":"Conversation Not Exists.","status":404}')
        if body["response_mode"] == "blocking":
            answer = {
                "event": "message",
                "conversation_id": "c-1",
                "message_id": "m-2",
                "answer": "Hello",
                "metadata": {},
            }
            return self._send(200, json.dumps(answer).encode())
        sse = b"".join(f"event: {c['event']}\ndata: {json.dumps(c)}\n\n".encode() for c in CHUNKS)
        return self._send(200, sse, "text/event-stream")


@pytest.fixture(scope="module")
def fake_dify():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def backend(url: str, key: str = "app-test") -> DifyBackend:
    return DifyBackend("real", {"base_url": url, "api_key": key})


def test_streaming_passes_chunks_through_and_drops_ping(fake_dify):
    steps = list(backend(fake_dify).stream(Turn("real", "hi", {"x": 1}, None, user="u-1")))
    assert steps == [("chunk", c) for c in CHUNKS if c["event"] != "ping"]
    sent = FakeDify.received[-1]
    assert sent == {
        "inputs": {"x": 1},
        "query": "hi",
        "response_mode": "streaming",
        "conversation_id": "",
        "user": "u-1",
        "files": [],
    }


def test_blocking_and_parameters(fake_dify):
    b = backend(fake_dify)
    assert b.blocking(Turn("real", "hi", {}, None))["answer"] == "Hello"
    assert FakeDify.received[-1]["user"] == "localdify"
    # Bare, as the daemon hands it to the plugin.
    assert b.parameters() == {"opening_statement": "from fake dify"}


def test_http_errors_use_difys_text(fake_dify):
    steps = list(backend(fake_dify).stream(Turn("real", "hi", {}, "gone")))
    assert steps == [
        (
            "fail",
            "invoke app failed: request failed with status code: 404 and respond with: "
            '{"code":"not_found","message":"Conversation Not Exists.","status":404}',
        )
    ]
    with pytest.raises(BackendFailure, match="status code: 401"):
        backend(fake_dify, key="wrong").parameters()


def test_config_from_env(monkeypatch):
    monkeypatch.setenv("MY_DIFY_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("MY_DIFY_KEY", "app-env")
    b = DifyBackend("real", {"base_url_env": "MY_DIFY_URL", "api_key_env": "MY_DIFY_KEY"})
    assert (b.base_url, b.api_key) == ("http://127.0.0.1:9/v1", "app-env")
    monkeypatch.delenv("DIFY_API_KEY", raising=False)
    with pytest.raises(ValueError, match="DIFY_API_KEY"):
        DifyBackend("real", {"base_url": "http://127.0.0.1:9/v1"})


def test_conversations_from_dify_become_known(fake_dify):
    service = ChatService({"real": {"backend": "dify", "base_url": fake_dify, "api_key": "app-test"}}, REPO_ROOT)
    turn = service.begin("real", "hi", {}, None, None)
    assert turn.conversation_id is None  # Dify chooses it
    list(service.steps(turn))
    assert service.knows("real", "c-1")
    again = service.begin("real", "more", {}, "c-1", None)
    assert again.number == 2
    with pytest.raises(BackendFailure, match="invalid_param"):
        service.begin("real", "hi", {}, "never-seen", None)
