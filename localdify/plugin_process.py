"""Runs the plugin as Dify's daemon does: `python -m main` over stdio, heartbeats, restarts, logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localdify.relay_queue import CAPACITY, RelayQueue

log = logging.getLogger("localdify.plugin")

HEARTBEAT_TIMEOUT = 120.0  # the daemon kills a plugin silent for this long
# The daemon reads the plugin's stdout with a line scanner of this size (PLUGIN_RUNTIME_MAX_BUFFER_SIZE):
# a longer line (a backwards call carrying a value of ~2.5 MB, hex-encoded) stops the reader for good.
MAX_LINE_BYTES = 5 * 1024 * 1024
START_TIMEOUT = 60.0
_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}

# Delivered to every open session when the process dies, so waiting requests end.
PROCESS_DIED = {
    "type": "error",
    "data": {"error_type": "PluginDied", "message": "the plugin process exited", "args": {}},
}


class PluginNotReady(RuntimeError):
    """The plugin did not send its first heartbeat in time."""


class PluginProcess:
    """One running plugin, restarted whenever it exits or falls silent."""

    def __init__(
        self,
        plugin_dir: Path,
        on_invoke: Callable[[str, dict], None],
        on_log: Callable[[str, str], None] | None = None,
        python: str | None = None,
        heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
        relay_capacity: int = CAPACITY,
    ) -> None:
        self.plugin_dir = Path(plugin_dir)
        self.relay_capacity = relay_capacity
        self.on_invoke = on_invoke
        self.on_log = on_log or (lambda level, message: None)
        self.python = python or sys.executable
        self.heartbeat_timeout = heartbeat_timeout
        self.restarts = 0
        self._proc: subprocess.Popen | None = None
        self._write_lock = threading.Lock()
        self._state_lock = threading.RLock()
        self._sessions: dict[str, RelayQueue] = {}
        self._session_proc: dict[str, subprocess.Popen] = {}
        self._ready = threading.Event()
        self._last_beat = 0.0
        self._stopping = False
        self._watchdog: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        self._stopping = False
        self._spawn()
        self._watchdog = threading.Thread(target=self._watch, name="localdify-watchdog", daemon=True)
        self._watchdog.start()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        if not self._ready.wait(timeout):
            raise PluginNotReady(f"the plugin sent no heartbeat within {timeout:.0f} s (see the log above)")

    def stop(self) -> None:
        self._stopping = True
        with self._state_lock:
            proc = self._proc
        if proc:
            self._kill(proc)
            self._fail_sessions(proc)

    def restart(self) -> None:
        """Kill the running process; the watchdog starts a new one."""
        with self._state_lock:
            proc = self._proc
            self._ready.clear()
        if proc:
            self._kill(proc)
            self._fail_sessions(proc)
        with self._state_lock:
            if self._proc is proc and not self._stopping:
                self.restarts += 1
                self._spawn()

    def _spawn(self) -> None:
        env = {**os.environ, "INSTALL_METHOD": "local", "PYTHONUNBUFFERED": "1"}
        with self._state_lock:
            self._ready.clear()
            self._last_beat = time.monotonic()
            proc = subprocess.Popen(
                [self.python, "-m", "main"],
                cwd=self.plugin_dir,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            self._proc = proc
        log.info("started the plugin (pid %s) in %s", proc.pid, self.plugin_dir)
        threading.Thread(target=self._read_stdout, args=(proc,), name="localdify-stdout", daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(proc,), name="localdify-stderr", daemon=True).start()

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("plugin pid %s did not exit after SIGKILL", proc.pid)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if pipe:
                    pipe.close()
            except OSError:
                pass

    def _watch(self) -> None:
        """Restart the plugin if it exits or stops sending heartbeats, as the daemon does."""
        while not self._stopping:
            time.sleep(0.2)
            with self._state_lock:
                proc = self._proc
                if self._stopping or proc is None:
                    continue
                exited = proc.poll() is not None
                # Until its first heartbeat the plugin is starting (importing the SDK can take seconds
                # on a busy machine): the start timeout applies then, the heartbeat limit after.
                limit = self.heartbeat_timeout if self._ready.is_set() else max(self.heartbeat_timeout, START_TIMEOUT)
                silent = time.monotonic() - self._last_beat > limit
            if not exited and not silent:
                continue
            if exited:
                log.warning("the plugin (pid %s) exited with code %s; restarting it", proc.pid, proc.returncode)
            else:
                log.warning(
                    "no heartbeat from the plugin for %.0f s; killing and restarting it", self.heartbeat_timeout
                )
            self._kill(proc)
            self._fail_sessions(proc)
            with self._state_lock:
                if self._proc is proc and not self._stopping:
                    self.restarts += 1
                    self._spawn()

    # -- sessions --------------------------------------------------------

    def open_session(self, session_id: str) -> RelayQueue:
        q = RelayQueue(self.relay_capacity)
        with self._state_lock:
            self._sessions[session_id] = q
        return q

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is open (a reply the client has whole may still await the plugin's end)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._state_lock:
                if not self._sessions:
                    return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def close_session(self, session_id: str) -> None:
        with self._state_lock:
            self._sessions.pop(session_id, None)
            self._session_proc.pop(session_id, None)

    def _fail_sessions(self, proc: subprocess.Popen) -> None:
        """End every request that was sent to this (now dead) process."""
        with self._state_lock:
            sessions = [q for sid, q in self._sessions.items() if self._session_proc.get(sid) is proc]
        for q in sessions:
            q.put(PROCESS_DIED)

    def send(self, message: dict[str, Any], ready_timeout: float = START_TIMEOUT) -> None:
        """Write one request line to the plugin's stdin (waits while the plugin restarts)."""
        self.wait_ready(ready_timeout)
        line = json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"
        with self._write_lock:
            proc = self._proc
            if proc is None or proc.stdin is None:
                raise BrokenPipeError("the plugin is not running")
            session_id = message.get("session_id")
            if session_id:
                with self._state_lock:
                    if session_id in self._sessions:
                        self._session_proc[session_id] = proc
            proc.stdin.write(line)
            proc.stdin.flush()

    # -- reading ---------------------------------------------------------

    def _read_stdout(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            if len(raw.rstrip(b"\r\n")) >= MAX_LINE_BYTES:
                log.error(
                    "the plugin wrote a line of %d bytes to stdout (the daemon's limit is %d): its reader stops "
                    "(bufio.Scanner: token too long) and the plugin is restarted",
                    len(raw),
                    MAX_LINE_BYTES,
                )
                self._kill(proc)
                self._fail_sessions(proc)
                return
            line = raw.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                # Something printed to stdout by mistake: the daemon would choke on it too.
                log.error("the plugin wrote a non-JSON line to stdout: %r", line[:200])
                continue
            if not isinstance(msg, dict) or "event" not in msg:
                continue  # the manifest-like object the plugin prints at startup
            try:
                self._dispatch(proc, msg)
            except Exception:
                log.exception("could not handle a message from the plugin")

    def _dispatch(self, proc: subprocess.Popen, msg: dict[str, Any]) -> None:
        event = msg.get("event")
        if event == "heartbeat":
            with self._state_lock:
                if self._proc is proc:
                    self._last_beat = time.monotonic()
                    if not self._ready.is_set():
                        log.info("the plugin is ready (pid %s)", proc.pid)
                        self._ready.set()
            return
        if event == "log":
            data = msg.get("data") or {}
            level = str(data.get("level", "INFO")).upper()
            message = str(data.get("message", ""))
            log.log(_LEVELS.get(level, logging.INFO), "plugin: %s", message)
            self.on_log(level, message)
            return
        if event == "error":
            # A process-level error (e.g. an unparsable request line).
            message = json.dumps(msg.get("data"))
            log.error("plugin error: %s", message)
            self.on_log("ERROR", message)
            return
        if event != "session":
            log.debug("ignoring plugin event %r", event)
            return
        session_id = msg.get("session_id") or ""
        data = msg.get("data") or {}
        if data.get("type") == "invoke":
            # Each backwards call runs in its own thread so a slow chat never blocks the reader.
            threading.Thread(
                target=self.on_invoke, args=(session_id, data.get("data") or {}), name="localdify-invoke", daemon=True
            ).start()
            return
        with self._state_lock:
            q = self._sessions.get(session_id)
        if q is not None:
            q.put(data)

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip()
            if text:
                log.info("plugin stderr: %s", text)
                self.on_log("STDERR", text)
