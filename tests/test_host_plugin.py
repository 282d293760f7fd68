"""The real Chat Skins plugin behind the local host, and the CLI that serves it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from localdify.plugin_spec import load_plugin_spec
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import DEMO_HOOK
from tests.support.host_client import request


def test_root_page_is_served(host):
    reply = request(host.url(DEMO_HOOK, "/"))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert b"<!doctype html>" in reply.body.lower()


def test_talk_streams_the_demo_answer(host):
    reply = request(host.url(DEMO_HOOK, "/talk"), method="POST", body={"query": "hello there"})
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/event-stream")
    frames = [f for f in reply.sse() if f.get("event") == "message"]
    assert len(frames) > 10
    assert len(reply.chunks) > 5  # streamed, not collected into one body
    assert host.app_calls[-1]["hook"] == DEMO_HOOK and host.app_calls[-1]["query"] == "hello there"


def test_first_byte_before_the_first_token(make_host):
    config = {
        "apps": {"slow": {"backend": "demo", "speed": 3}},
        "endpoints": [{"hook_id": "slowdemo00000001", "settings": {"app": {"app_id": "slow"}}}],
    }
    h = make_host(config)
    reply = request(h.url("slowdemo00000001", "/talk"), method="POST", body={"query": "/slow"})
    assert reply.status == 200
    first_at, first = reply.chunks[0]
    assert b'"answer"' not in first
    # The demo's /slow waits ~1.3 s before its first token; the page's first byte must not wait for it.
    token_at = next(t for t, c in reply.chunks if b'"answer"' in c)
    assert token_at - first_at > 0.8


def test_cli_prints_every_page_url_and_stops_on_ctrl_c(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "localdify",
            "--config",
            "config/endpoints.example.yaml",
            "--port",
            "0",
            "--storage",
            str(tmp_path / "s.db"),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C" in line:
                break
        output = "".join(lines)
        assert "Ctrl-C" in output, output
        for path in load_plugin_spec(REPO_ROOT).page_paths:
            assert f"/e/demo000000000001{path}\n" in output
            assert f"/e/harbor0000000001{path}\n" in output
        assert "/talk" not in output
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
    assert code == 0
    assert not [p for p in os.listdir("/proc") if p.isdigit() and _child_of(int(p), proc.pid)]


def _child_of(pid: int, parent: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return int(fields[1]) == parent and fields[0] != "Z"
