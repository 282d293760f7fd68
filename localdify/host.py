"""The local Dify host: plugin process, session dispatcher, HTTP front and backwards calls, wired as one object."""

from __future__ import annotations

import collections
import logging
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from localdify.backwards import CHAT_STREAM_CUT, BackwardsCalls
from localdify.chat import ChatService
from localdify.config import EndpointInstance, HostConfig, parse_config
from localdify.dispatcher import Dispatcher, endpoint_id
from localdify.front import Front, page_urls
from localdify.plugin_process import HEARTBEAT_TIMEOUT, PluginProcess
from localdify.plugin_spec import PluginSpec, load_plugin_spec
from localdify.relay_queue import CAPACITY
from localdify.storage import Storage

log = logging.getLogger("localdify")

REPO_ROOT = Path(__file__).resolve().parent.parent


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
        self.logs: collections.deque[tuple[str, str]] = collections.deque(maxlen=2000)
        self.send_buffer = send_buffer
        self._endpoints = {ep.hook_id: ep for ep in self.config.endpoints}
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
        self.dispatcher = Dispatcher(self.plugin)
        self.backwards = BackwardsCalls(
            self.plugin.send, self.chat, self.storage, self.dispatcher.session_info, chat_stream_cut=chat_stream_cut
        )
        # What tests read, kept where it is recorded.
        self.app_calls: list[dict[str, Any]] = self.backwards.app_calls
        # tts and speech2text calls: {"type", "provider", "model", "voice"+"content_text" | "file"}.
        self.model_calls: list[dict[str, Any]] = self.backwards.voice.calls
        self.responses: collections.deque[dict[str, Any]] = self.dispatcher.responses
        self.plugin_errors: list[dict[str, Any]] = self.dispatcher.plugin_errors
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> Host:
        started = time.monotonic()
        self.plugin.start()
        self._server = make_server(
            self.bind_host, self.bind_port, Front(self.dispatcher, self._endpoints, self.spec.page_paths), threaded=True
        )
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
        """Kill the plugin process between requests and wait until its successor is ready."""
        # A reply the client already has whole can still wait for the plugin's end of session: let it close, or
        # the restart reads as that request's plugin dying.
        self.plugin.wait_idle(5.0)
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
        return page_urls(base or self.base_url, hook_id, self.spec.page_paths)

    # -- endpoint instances ----------------------------------------------

    def endpoint(self, hook_id: str) -> EndpointInstance | None:
        return self._endpoints.get(hook_id)

    @staticmethod
    def endpoint_id(hook_id: str) -> str:
        """A stable UUID per endpoint instance (Dify's endpoint ids are UUIDs)."""
        return endpoint_id(hook_id)

    # -- callbacks from the plugin process -------------------------------

    def _on_invoke(self, session_id: str, data: dict) -> None:
        self.backwards.handle(session_id, data)

    def _on_log(self, level: str, message: str) -> None:
        self.logs.append((level, message))
