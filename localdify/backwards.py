"""Answers the plugin's backwards calls (app, fetch_app, storage) the way Dify's daemon does."""

from __future__ import annotations

import binascii
import collections
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from localdify.apps import BackendFailure
from localdify.chat import ChatService
from localdify.storage import Storage, StorageError
from localdify.voice import VoiceModels

log = logging.getLogger("localdify.backwards")

# Dify cuts a chat-app stream this long after it STARTS (a total limit, not an idle one).
CHAT_STREAM_CUT = 240.0
# What the plugin then sees: the daemon's prefix around an HTTP client's total-timeout error.
CHAT_STREAM_CUT_TEXT = (
    "read app failed: context deadline exceeded (Client.Timeout or context cancellation while reading body)"
)


class _Cancelled(Exception):
    """The session closed (the browser went away): the daemon cancels the call and says nothing more."""


class BackwardsCalls:
    """One handler per `invoke` session message; runs in its own thread (the plugin process starts it)."""

    def __init__(
        self,
        send: Callable[[dict], None],
        chat: ChatService,
        storage: Storage,
        session_info: Callable[[str], dict[str, Any]],
        chat_stream_cut: float = CHAT_STREAM_CUT,
        voice: VoiceModels | None = None,
    ) -> None:
        self.send = send
        self.chat = chat
        self.storage = storage
        self.session_info = session_info
        self.chat_stream_cut = chat_stream_cut
        self.voice = voice or VoiceModels(chat.backends)
        self.app_calls: list[dict[str, Any]] = []
        # (session id, "in" | "out", what, session already closed?) for every backwards message.
        self.traffic: collections.deque[tuple[str, str, str, bool]] = collections.deque(maxlen=50_000)
        # Sessions whose chat stream was cancelled because the browser went away.
        self.cancelled: list[str] = []
        self._lock = threading.Lock()

    def _closed(self, session_id: str) -> bool:
        return bool(self.session_info(session_id).get("closed"))

    def _note(self, session_id: str, direction: str, what: str, closed: bool) -> None:
        with self._lock:
            self.traffic.append((session_id, direction, what, closed))

    # -- wire format -----------------------------------------------------

    def _reply(self, session_id: str, data: dict[str, Any]) -> None:
        info = self.session_info(session_id)
        if info.get("closed"):
            # A closed session is gone on the daemon's side: nothing reaches the plugin for it any more.
            return
        self._note(session_id, "out", str(data.get("event")), False)
        self.send(
            {
                "session_id": session_id,
                "conversation_id": None,
                "message_id": None,
                "app_id": None,
                "endpoint_id": info.get("endpoint_id"),
                "context": None,
                "event": "backwards_response",
                "data": data,
            }
        )

    def _response(self, session_id: str, rid: str, payload: Any) -> None:
        self._reply(
            session_id, {"backwards_request_id": rid, "event": "response", "message": "stream", "data": payload}
        )

    def _error(self, session_id: str, rid: str, text: str) -> None:
        self._reply(session_id, {"backwards_request_id": rid, "event": "error", "message": text, "data": None})

    def _end(self, session_id: str, rid: str) -> None:
        self._reply(session_id, {"backwards_request_id": rid, "event": "end", "message": "", "data": None})

    # -- dispatch --------------------------------------------------------

    def handle(self, session_id: str, data: dict[str, Any]) -> None:
        rid = str(data.get("backwards_request_id") or "")
        kind = data.get("type")
        request = data.get("request") or {}
        closed = self._closed(session_id)
        self._note(session_id, "in", str(kind), closed)
        if closed:
            # The plugin's call is never answered: the SDK gives up after 250 s without a chunk.
            log.info("backwards %s call for a closed session: not answered", kind)
            return
        cancelled = False
        try:
            if kind == "app":
                self._app(session_id, rid, request)
            elif kind == "fetch_app":
                self._response(session_id, rid, self.chat.parameters(str(request.get("app_id") or "")))
            elif kind == "storage":
                self._response(session_id, rid, self._storage(request))
            elif kind == "tts":
                self._tts(session_id, rid, request)
            elif kind == "speech2text":
                self._speech2text(session_id, rid, request)
            else:
                self._error(session_id, rid, f"unsupported backwards invocation: {kind}")
        except _Cancelled:
            cancelled = True
            with self._lock:
                self.cancelled.append(session_id)
            log.info("chat call of session %s cancelled: the browser went away", session_id)
        except (BackendFailure, StorageError) as exc:
            self._safe(self._error, session_id, rid, str(exc))
        except Exception as exc:
            log.exception("backwards call %s failed", kind)
            self._safe(self._error, session_id, rid, f"internal error: {exc}")
        finally:
            if not cancelled:
                self._safe(self._end, session_id, rid)

    @staticmethod
    def _safe(fn: Callable, *args: Any) -> None:
        try:
            fn(*args)
        except (OSError, ValueError, RuntimeError):
            # The plugin died or restarted meanwhile: nobody is waiting for this answer.
            log.debug("could not deliver a backwards response", exc_info=True)

    def _app(self, session_id: str, rid: str, request: dict[str, Any]) -> None:
        info = self.session_info(session_id)
        call = {
            "app_id": request.get("app_id"),
            "query": request.get("query"),
            "inputs": request.get("inputs"),
            "response_mode": request.get("response_mode", "streaming"),
            "conversation_id": request.get("conversation_id"),
            "user": request.get("user"),
            "hook": info.get("hook_id"),
        }
        with self._lock:
            self.app_calls.append(call)
        turn = self.chat.begin(
            str(call["app_id"] or ""),
            str(call["query"] or ""),
            call["inputs"] or {},
            call["conversation_id"],
            call["user"],
        )
        if call["response_mode"] == "blocking":
            self._response(session_id, rid, self.chat.blocking(turn))
            return
        cut_at = time.monotonic() + self.chat_stream_cut
        steps = self.chat.steps(turn)
        try:
            for kind, value in steps:
                if self._closed(session_id):
                    raise _Cancelled
                if kind == "pause":
                    if value > 0:
                        time.sleep(max(0.0, min(value, cut_at - time.monotonic())))
                elif kind == "chunk":
                    self._response(session_id, rid, value)
                elif kind == "fail":
                    raise BackendFailure(value)
                if time.monotonic() >= cut_at:
                    raise BackendFailure(CHAT_STREAM_CUT_TEXT)
        finally:
            steps.close()

    def _tts(self, session_id: str, rid: str, request: dict[str, Any]) -> None:
        """The model's audio, one `{"result": HEX}` response per chunk, as the daemon relays it."""
        for chunk in self.voice.tts(request):
            if self._closed(session_id):
                raise _Cancelled
            self._response(session_id, rid, {"result": binascii.hexlify(chunk).decode()})

    def _speech2text(self, session_id: str, rid: str, request: dict[str, Any]) -> None:
        try:
            audio = binascii.unhexlify(request.get("file") or "")
        except (binascii.Error, TypeError) as exc:
            raise BackendFailure(f"speech2text file is not valid hex: {exc}") from exc
        self._response(session_id, rid, {"result": self.voice.speech2text(request, audio)})

    def _storage(self, request: dict[str, Any]) -> dict[str, Any]:
        opt = request.get("opt")
        key = request.get("key")
        if opt == "set":
            try:
                value = binascii.unhexlify(request.get("value") or "")
            except (binascii.Error, TypeError) as exc:
                raise StorageError(f"storage value is not valid hex: {exc}") from exc
            self.storage.set(key, value)  # type: ignore[arg-type]
            return {"data": "ok"}
        if opt == "get":
            return {"data": binascii.hexlify(self.storage.get(key)).decode()}  # type: ignore[arg-type]
        if opt == "exist":
            return {"data": self.storage.exist(key)}  # type: ignore[arg-type]
        if opt == "del":
            self.storage.delete(key)  # type: ignore[arg-type]
            return {"data": "ok"}
        raise StorageError(f"unknown storage operation: {opt}")
