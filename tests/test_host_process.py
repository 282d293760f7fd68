"""The plugin process: fast startup, restart after a crash, restart after silence."""

from __future__ import annotations

import os
import signal
import threading
import time

from tests.support.fixtures import PROBE_DIR
from tests.support.hooks import PROBE_CONFIG, PROBE_HOOK
from tests.support.host_client import request
from tests.support.waiting import wait_for


def test_startup_is_fast_and_stop_kills_the_plugin(make_host):
    started = time.monotonic()
    h = make_host(PROBE_CONFIG, plugin_dir=PROBE_DIR)
    assert time.monotonic() - started < 15
    pid = h.plugin_pid
    assert request(h.url(PROBE_HOOK, "/slow?n=1")).status == 200
    h.stop()
    assert wait_for(lambda: not _alive(pid), 10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); check its state.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_killed_plugin_is_restarted_and_requests_in_flight_end_cleanly(make_host):
    h = make_host(PROBE_CONFIG, plugin_dir=PROBE_DIR)
    old = h.plugin_pid
    killer = threading.Timer(0.5, lambda: os.kill(old, signal.SIGKILL))
    killer.start()
    reply = request(h.url(PROBE_HOOK, "/slow?n=1&first=3"))
    killer.join()
    # Headers were never sent (they go with the first chunk), so this is the plugin-error JSON.
    assert reply.status == 500
    assert reply.json()["code"] == "plugin_error"
    assert b"Traceback" not in reply.body
    assert wait_for(lambda: h.plugin_pid != old)
    h.plugin.wait_ready(30)
    assert request(h.url(PROBE_HOOK, "/slow?n=1")).status == 200
    assert h.plugin.restarts >= 1
    # The host's own API does the same on demand.
    before = h.plugin_pid
    h.restart_plugin()
    assert h.plugin_pid != before
    assert request(h.url(PROBE_HOOK, "/slow?n=1")).status == 200


def test_silent_plugin_is_killed_and_restarted(make_host):
    # The SDK beats every 10 s; a 2 s limit makes the watchdog treat it as hung.
    h = make_host(PROBE_CONFIG, plugin_dir=PROBE_DIR, heartbeat_timeout=2.0)
    old = h.plugin_pid
    assert wait_for(lambda: h.plugin_pid != old, 15)
    assert h.plugin.restarts >= 1


def test_plugin_logs_are_collected(probe_host):
    assert any("Installed endpoint" in message for _, message in probe_host.logs)
