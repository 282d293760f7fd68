"""Plugin sessions, as the daemon keeps them: open one per endpoint request, send it, relay the answer, close it."""

from __future__ import annotations

import binascii
import collections
import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from localdify.config import EndpointInstance
from localdify.plugin_process import PluginProcess
from localdify.relay_queue import RelayQueue

log = logging.getLogger("localdify")

MAX_SESSIONS = 10_000
_ENDPOINT_NS = uuid.UUID("6f1c2a3e-9d4b-4c57-8e0a-3b2d1c0f9e8a")


def endpoint_id(hook_id: str) -> str:
    """A stable UUID per endpoint instance (Dify's endpoint ids are UUIDs)."""
    return str(uuid.uuid5(_ENDPOINT_NS, hook_id))


class PluginUnavailable(Exception):
    """The request could not be written to the plugin (it is not running)."""


@dataclass
class Session:
    """One endpoint request on its way through the plugin; `queue` holds what the plugin answers."""

    id: str
    endpoint: EndpointInstance
    path: str
    queue: RelayQueue


class Dispatcher:
    """Owns the plugin's sessions and what is recorded about them (finished responses, plugin errors)."""

    def __init__(self, plugin: PluginProcess) -> None:
        self.plugin = plugin
        # One entry per finished response: body chunks the plugin sent and how many the queue dropped.
        self.responses: collections.deque[dict[str, Any]] = collections.deque(maxlen=2000)
        self.plugin_errors: list[dict[str, Any]] = []
        # Kept after a request ends: the plugin may still make backwards calls for it.
        self._sessions: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
        self._lock = threading.Lock()

    # -- the life of a session -------------------------------------------

    def open(self, endpoint: EndpointInstance, path: str) -> Session:
        """A new session for a request to `path` of this endpoint; its queue starts receiving at once."""
        session_id = str(uuid.uuid4())
        with self._lock:
            self._sessions[session_id] = {"hook_id": endpoint.hook_id, "endpoint_id": endpoint_id(endpoint.hook_id)}
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return Session(session_id, endpoint, path, self.plugin.open_session(session_id))

    def send(self, session: Session, raw_http_request: bytes) -> None:
        """Hand the raw HTTP request to the plugin; closes the session and raises PluginUnavailable if it cannot."""
        try:
            self.plugin.send(
                {
                    "session_id": session.id,
                    "conversation_id": None,
                    "message_id": None,
                    "app_id": None,
                    "endpoint_id": endpoint_id(session.endpoint.hook_id),
                    "context": None,
                    "event": "request",
                    "data": {
                        "user_id": "",
                        "type": "endpoint",
                        "action": "invoke_endpoint",
                        "raw_http_request": binascii.hexlify(raw_http_request).decode(),
                        "settings": session.endpoint.settings,
                    },
                }
            )
        except Exception as exc:
            self._forget(session)  # never answered: nothing to record
            log.error("could not send the request to the plugin: %s", exc)
            raise PluginUnavailable(str(exc)) from exc

    def relay(self, session: Session, timeout: float) -> dict[str, Any] | None:
        """The plugin's next message for this session (stream, end or error), or None after `timeout` seconds."""
        try:
            msg = session.queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if msg.get("type") == "error":
            self._record_plugin_error(session, msg.get("data") or {})
        return msg

    def close(self, session: Session) -> None:
        """The response is over (finished, or the browser went away): the daemon forgets the session,
        so the plugin's in-flight backwards calls of it are cancelled and new ones go unanswered."""
        self._forget(session)
        self._record_response(session)

    def _forget(self, session: Session) -> None:
        with self._lock:
            info = self._sessions.get(session.id)
            if info is not None:
                info["closed"] = True
        self.plugin.close_session(session.id)

    # -- what backwards calls and tests read -----------------------------

    def session_info(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._sessions.get(session_id) or {})

    def _record_response(self, session: Session) -> None:
        q = session.queue
        hook_id = session.endpoint.hook_id
        entry = {
            "session_id": session.id,
            "hook": hook_id,
            "path": session.path,
            "chunks": q.chunks,
            "dropped": q.dropped,
            "peak": q.peak,
        }
        with self._lock:
            self.responses.append(entry)
        if q.dropped:
            log.warning("%s %s: the relay queue dropped %d of %d chunks", hook_id, session.path, q.dropped, q.chunks)

    def _record_plugin_error(self, session: Session, data: dict) -> None:
        args = data.get("args") or {}
        entry = {
            "hook": session.endpoint.hook_id,
            "path": session.path,
            "error_type": data.get("error_type"),
            "message": data.get("message"),
            "traceback": args.get("traceback") if isinstance(args, dict) else None,
        }
        with self._lock:
            self.plugin_errors.append(entry)
        log.error(
            "plugin error on %s %s: %s: %s\n%s",
            entry["hook"],
            entry["path"],
            entry["error_type"],
            entry["message"],
            entry["traceback"] or "",
        )
