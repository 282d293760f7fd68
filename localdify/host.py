"""The local Dify host: plugin process + HTTP front + backwards calls, as one object."""

from __future__ import annotations

import collections
import logging
import shutil
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from localdify.backwards import CHAT_STREAM_CUT, BackwardsCalls
from localdify.chat import ChatService
from localdify.config import EndpointInstance, HostConfig, parse_config
from localdify.front import Front
from localdify.plugin_process import HEARTBEAT_TIMEOUT, PluginProcess
from localdify.plugin_spec import PluginSpec, load_plugin_spec
from localdify.relay_queue import CAPACITY, RelayQueue
from localdify.storage import Storage

log = logging.getLogger("localdify")

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_SESSIONS = 10_000
_ENDPOINT_NS = uuid.UUID("6f1c2a3e-9d4b-4c57-8e0a-3b2d1c0f9e8a")


class Host:
    """Start with `.start()` (or `with Host(...) as host:`); pages are at `.url(hook_id, path)`."""

    def __init__(
        self,
        config: dict | str | Path,
        plugin_dir: str | Path = REPO_ROOT,
        host: str = "127.0.0.1",
        port: int = 0,
        storage_path: str | Path | None = None,
        heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
        default_storage_path: str | Path | None = None,
        chat_stream_cut: float = CHAT_STREAM_CUT,
        relay_capacity: int = CAPACITY,
        send_buffer: int | None = None,
    ) -> None:
        """`chat_stream_cut`: seconds after which a chat stream is cut (Dify: 240); `relay_capacity`: body
        chunks the per-response queue holds before it drops (the daemon: 128); `send_buffer`: SO_SNDBUF of
        the browser-facing sockets, small in tests that stall a client (default: the system's)."""
        self.plugin_dir = Path(plugin_dir).resolve()
        self.spec: PluginSpec = load_plugin_spec(self.plugin_dir)
        self.config: HostConfig = parse_config(config, self.spec)
        self.bind_host = host
        self.bind_port = port
        self.app_calls: list[dict[str, Any]] = []
        self.plugin_errors: list[dict[str, Any]] = []
        self.logs: collections.deque[tuple[str, str]] = collections.deque(maxlen=2000)
        # One entry per finished response: body chunks the plugin sent and how many the queue dropped.
        self.responses: collections.deque[dict[str, Any]] = collections.deque(maxlen=2000)
        self.send_buffer = send_buffer
        self._endpoints = {ep.hook_id: ep for ep in self.config.endpoints}
        # Kept after a request ends: the plugin may still make backwards calls for it.
        self._sessions: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._tmpdir: str | None = None
        # An explicit path wins, then the config's, then the caller's default, else a temporary file.
        path = storage_path or self.config.storage_path or default_storage_path
        if path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="localdify-")
            path = Path(self._tmpdir) / "storage.sqlite3"
        self.storage = Storage(path, self.spec.storage_size)
        self.chat = ChatService(self.config.apps, self.plugin_dir)
        self.plugin = PluginProcess(
            self.plugin_dir,
            on_invoke=self._on_invoke,
            on_log=self._on_log,
            heartbeat_timeout=heartbeat_timeout,
            relay_capacity=relay_capacity,
        )
        self.backwards = BackwardsCalls(
            self.plugin.send, self.chat, self.storage, self.session_info, chat_stream_cut=chat_stream_cut
        )
        # Tests read host.app_calls; it is the dispatcher's list.
        self.app_calls = self.backwards.app_calls
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> Host:
        started = time.monotonic()
        self.plugin.start()
        self._server = make_server(self.bind_host, self.bind_port, Front(self), threaded=True)
        self._server.daemon_threads = True
        if self.send_buffer:
            # Accepted sockets inherit it: a stalled client then backs up into the relay queue quickly.
            self._server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
        self._thread = threading.Thread(target=self._server.serve_forever, name="localdify-http", daemon=True)
        self._thread.start()
        log.info("local Dify host ready at %s in %.2f s", self.base_url, time.monotonic() - started)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.plugin.stop()
        self.storage.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> Host:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def restart_plugin(self, timeout: float = 60.0) -> None:
        """Kill the plugin process and wait until its successor is ready."""
        self.plugin.restart()
        self.plugin.wait_ready(timeout)

    @property
    def plugin_pid(self) -> int | None:
        return self.plugin.pid

    # -- URLs ------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the host is not started")
        return self._server.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self.bind_host}:{self.port}"

    def url(self, hook_id: str, path: str = "/") -> str:
        return f"{self.base_url}/e/{hook_id}{path if path.startswith('/') else '/' + path}"

    def page_urls(self, hook_id: str, base: str | None = None) -> list[str]:
        """What Dify's endpoint panel shows: base + /e/<hook_id> + each non-hidden path."""
        base = base or self.base_url
        return [f"{base}/e/{hook_id}{path}" for path in self.spec.page_paths]

    # -- endpoint instances and sessions ---------------------------------

    def endpoint(self, hook_id: str) -> EndpointInstance | None:
        return self._endpoints.get(hook_id)

    @staticmethod
    def endpoint_id(hook_id: str) -> str:
        """A stable UUID per endpoint instance (Dify's endpoint ids are UUIDs)."""
        return str(uuid.uuid5(_ENDPOINT_NS, hook_id))

    def open_session(self, session_id: str, endpoint: EndpointInstance) -> RelayQueue:
        with self._lock:
            self._sessions[session_id] = {
                "hook_id": endpoint.hook_id,
                "endpoint_id": self.endpoint_id(endpoint.hook_id),
            }
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return self.plugin.open_session(session_id)

    def close_session(self, session_id: str) -> None:
        """The response is over (finished, or the browser went away): the daemon forgets the session,
        so the plugin's in-flight backwards calls of it are cancelled and new ones go unanswered."""
        with self._lock:
            info = self._sessions.get(session_id)
            if info is not None:
                info["closed"] = True
        self.plugin.close_session(session_id)

    def session_closed(self, session_id: str) -> bool:
        with self._lock:
            return bool((self._sessions.get(session_id) or {}).get("closed"))

    def session_info(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._sessions.get(session_id) or {})

    def record_response(self, session_id: str, hook_id: str, path: str, q: RelayQueue) -> None:
        entry = {
            "session_id": session_id,
            "hook": hook_id,
            "path": path,
            "chunks": q.chunks,
            "dropped": q.dropped,
            "peak": q.peak,
        }
        with self._lock:
            self.responses.append(entry)
        if q.dropped:
            log.warning("%s %s: the relay queue dropped %d of %d chunks", hook_id, path, q.dropped, q.chunks)

    # -- callbacks from the plugin process -------------------------------

    def _on_invoke(self, session_id: str, data: dict) -> None:
        self.backwards.handle(session_id, data)

    def _on_log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    def record_plugin_error(self, hook_id: str, path: str, data: dict) -> None:
        args = data.get("args") or {}
        entry = {
            "hook": hook_id,
            "path": path,
            "error_type": data.get("error_type"),
            "message": data.get("message"),
            "traceback": args.get("traceback") if isinstance(args, dict) else None,
        }
        with self._lock:
            self.plugin_errors.append(entry)
        log.error(
            "plugin error on %s %s: %s: %s\n%s",
            hook_id,
            path,
            entry["error_type"],
            entry["message"],
            entry["traceback"] or "",
        )
