"""Answers the plugin's backwards calls (app, fetch_app, storage) the way Dify's daemon does."""

from __future__ import annotations

import binascii
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from localdify.apps import BackendFailure
from localdify.chat import ChatService
from localdify.storage import Storage, StorageError

log = logging.getLogger("localdify.backwards")


class BackwardsCalls:
    """One handler per `invoke` session message; runs in its own thread (the plugin process starts it)."""

    def __init__(
        self,
        send: Callable[[dict], None],
        chat: ChatService,
        storage: Storage,
        session_info: Callable[[str], dict[str, Any]],
    ) -> None:
        self.send = send
        self.chat = chat
        self.storage = storage
        self.session_info = session_info
        self.app_calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    # -- wire format -----------------------------------------------------

    def _reply(self, session_id: str, data: dict[str, Any]) -> None:
        info = self.session_info(session_id)
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
        try:
            if kind == "app":
                self._app(session_id, rid, request)
            elif kind == "fetch_app":
                self._response(session_id, rid, self.chat.parameters(str(request.get("app_id") or "")))
            elif kind == "storage":
                self._response(session_id, rid, self._storage(request))
            else:
                self._error(session_id, rid, f"unsupported backwards invocation: {kind}")
        except (BackendFailure, StorageError) as exc:
            self._safe(self._error, session_id, rid, str(exc))
        except Exception as exc:
            log.exception("backwards call %s failed", kind)
            self._safe(self._error, session_id, rid, f"internal error: {exc}")
        finally:
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
        for kind, value in self.chat.steps(turn):
            if kind == "pause":
                if value > 0:
                    time.sleep(value)
            elif kind == "chunk":
                self._response(session_id, rid, value)
            elif kind == "fail":
                raise BackendFailure(value)

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
