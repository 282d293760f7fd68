"""A real Dify chat app through its Service API, passed through unchanged (stdlib HTTP only)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

from localdify.apps.base import Backend, BackendFailure, Step, Turn, http_failure

DEFAULT_USER = "localdify"
TIMEOUT = 300  # seconds without a byte before giving up; Dify cuts chat streams at 240 s anyway


class DifyBackend(Backend):
    """Options: base_url / api_key, or the env vars named by base_url_env / api_key_env."""

    assigns_ids = False

    def __init__(self, app_id: str, options: dict[str, Any]) -> None:
        base_env = str(options.get("base_url_env", "DIFY_BASE_URL"))
        key_env = str(options.get("api_key_env", "DIFY_API_KEY"))
        self.base_url = str(options.get("base_url") or os.environ.get(base_env, "")).rstrip("/")
        self.api_key = str(options.get("api_key") or os.environ.get(key_env, ""))
        self.user = str(options.get("user", DEFAULT_USER))
        if not self.base_url:
            raise ValueError(
                f"apps.{app_id}: set base_url, or the {base_env} environment variable (e.g. https://api.dify.ai/v1)"
            )
        if not self.api_key:
            raise ValueError(f"apps.{app_id}: set api_key, or the {key_env} environment variable (the app's API key)")

    def _request(self, method: str, path: str, body: dict | None = None) -> urllib.request.Request:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json, text/event-stream"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)

    def _open(self, req: urllib.request.Request):
        try:
            return urllib.request.urlopen(req, timeout=TIMEOUT)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            raise BackendFailure(http_failure(exc.code, body)) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise BackendFailure(f"invoke app failed: request failed: {exc}") from exc

    def parameters(self) -> dict[str, Any]:
        with self._open(self._request("GET", f"/parameters?user={self.user}")) as resp:
            answer = json.loads(resp.read().decode("utf-8"))
        # The daemon hands the plugin the object inside Dify's envelope when there is one.
        return answer["data"] if isinstance(answer, dict) and isinstance(answer.get("data"), dict) else answer

    def _body(self, turn: Turn, mode: str) -> dict[str, Any]:
        return {
            "inputs": turn.inputs or {},
            "query": turn.query,
            "response_mode": mode,
            "conversation_id": turn.conversation_id or "",
            "user": turn.user or self.user,
            "files": [],
        }

    def stream(self, turn: Turn) -> Iterator[Step]:
        try:
            resp = self._open(self._request("POST", "/chat-messages", self._body(turn, "streaming")))
        except BackendFailure as exc:
            yield ("fail", str(exc))
            return
        with resp:
            try:
                for raw in resp:
                    line = raw.decode("utf-8").strip()
                    if not line.startswith("data:"):
                        continue  # blank separators, comments and `event:` lines
                    payload = line[5:].strip()
                    if not payload:
                        continue
                    chunk = json.loads(payload)
                    if chunk.get("event") == "ping":
                        continue  # Dify's keep-alive never reaches a plugin
                    yield ("chunk", chunk)
            except (OSError, ValueError) as exc:
                yield ("fail", f"read app failed: {exc}")

    def blocking(self, turn: Turn) -> dict[str, Any] | None:
        with self._open(self._request("POST", "/chat-messages", self._body(turn, "blocking"))) as resp:
            return json.loads(resp.read().decode("utf-8"))

    # -- voice: the app's own text-to-speech and speech-to-text (Service API) --

    def text_to_audio(self, text: str, voice: str = "") -> Iterator[bytes]:
        """The app's TTS audio for `text`, as the Service API streams it."""
        body: dict[str, Any] = {"text": text, "user": self.user}
        if voice:
            body["voice"] = voice
        with self._open(self._request("POST", "/text-to-audio", body)) as resp:
            while chunk := resp.read1(16 * 1024):
                yield chunk

    def audio_to_text(self, audio: bytes, filename: str) -> str:
        """The app's transcript of a recording (multipart upload, as the Service API takes it)."""
        boundary = f"localdify-{uuid.uuid4().hex}"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="user"\r\n\r\n{self.user}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        data = head + audio + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(
            self.base_url + "/audio-to-text",
            data=data,
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            method="POST",
        )
        with self._open(req) as resp:
            answer = json.loads(resp.read().decode("utf-8"))
        return str(answer.get("text") or "") if isinstance(answer, dict) else ""
