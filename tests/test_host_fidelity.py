"""The platform's harder edges through the local host and the real SDK runtime: the daemon's dropping
128-chunk queue with a stalled client, disconnects, the 240 s chat-stream cut, failures mapped by message."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from localdify import Host
from tests.support.fixtures import FIXTURES, PROBE_DIR, REPO_ROOT
from tests.support.hooks import DEMO_APP, FAST, REPLAY_APP, REPLAY_APP_ID
from tests.support.host_client import Reply, request
from tests.support.waiting import wait_for

STALL_HOOK = "stall00000000001"
PROBE_STALL_HOOK = "stallprobe000001"
CUT_HOOK = "cut0000000000001"
PACED = "paced80"
TOKENS_PER_SECOND = 80
SECONDS = 10
STALL_SECONDS = 5
CUT_SECONDS = 3.0
# Small socket buffers on both sides, so a client that stops reading backs up into the relay queue
# within a few KB instead of the megabytes loopback autotuning would otherwise absorb.
SMALL_BUFFER = 8 * 1024


def _app(name: str) -> dict:
    return {"app_id": name, "inputs": {}, "files": []}


@pytest.fixture(scope="module")
def paced_shared(tmp_path_factory) -> Iterator[Path]:
    """A copy of the shared fixtures plus one that streams 80 tokens/s for 10 s."""
    target = tmp_path_factory.mktemp("shared")
    shutil.copytree(FIXTURES, target / "fixtures")
    ids = {
        "conversation_id": "5f0c8d1e-3b7a-4c2e-9a61-0d2f4e6b8c10",
        "message_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
    }
    lines = []
    for i in range(TOKENS_PER_SECOND * SECONDS):
        lines.append({"pause_ms": 1000 / TOKENS_PER_SECOND})
        lines.append({"chunk": {"event": "message", **ids, "id": ids["message_id"], "answer": f"token{i:04d} "}})
    lines.append({"chunk": {"event": "message_end", **ids, "id": ids["message_id"], "metadata": {}}})
    path = target / "fixtures" / "dify-streams" / f"{PACED}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    previous = os.environ.get("CHAT_SKINS_SHARED")
    os.environ["CHAT_SKINS_SHARED"] = str(target)
    try:
        yield target
    finally:
        if previous is None:
            os.environ.pop("CHAT_SKINS_SHARED", None)
        else:
            os.environ["CHAT_SKINS_SHARED"] = previous


def _stall_config(hook: str) -> dict:
    return {
        "apps": {REPLAY_APP: {"backend": "replay", "fixture": PACED, "parameters": "empty", "speed": 1}},
        "endpoints": [{"hook_id": hook, "name": "Stall", "settings": {"app": _app(REPLAY_APP)}}],
    }


@pytest.fixture(scope="module")
def stall_host(paced_shared) -> Iterator[Host]:
    with Host(_stall_config(STALL_HOOK), plugin_dir=REPO_ROOT, send_buffer=SMALL_BUFFER) as h:
        yield h


@pytest.fixture(scope="module")
def stall_probe(paced_shared) -> Iterator[Host]:
    with Host(_stall_config(PROBE_STALL_HOOK), plugin_dir=PROBE_DIR, send_buffer=SMALL_BUFFER) as h:
        yield h


@pytest.fixture(scope="module")
def cut_host() -> Iterator[Host]:
    config = {
        "apps": {DEMO_APP: {"backend": "demo", "speed": 1}, "fast": {"backend": "demo", "speed": FAST}},
        "endpoints": [
            {"hook_id": CUT_HOOK, "name": "Cut", "settings": {"app": _app(DEMO_APP)}},
            {"hook_id": "fastdemo00000001", "name": "Fast", "settings": {"app": _app("fast")}},
        ],
    }
    with Host(config, plugin_dir=REPO_ROOT, chat_stream_cut=CUT_SECONDS) as h:
        yield h


class _SmallBufferConnection(http.client.HTTPConnection):
    """A client whose receive buffer is small from the handshake on (like a phone on a bad network)."""

    def connect(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
        sock.settimeout(self.timeout)
        sock.connect((self.host, self.port))
        self.sock = sock


def _stalled_post(host: Host, hook: str, path: str, body: dict, stall: float = STALL_SECONDS) -> Reply:
    conn = _SmallBufferConnection("127.0.0.1", host.port, timeout=60)
    conn.request("POST", f"/e/{hook}{path}", body=json.dumps(body), headers={"Content-Type": "application/json"})
    # The stall itself is the scenario (a background tab): no event to wait for.
    time.sleep(stall)
    resp = conn.getresponse()
    body_bytes = resp.read()
    conn.close()
    return Reply(resp.status, resp.headers, body_bytes)


def _expected_answer() -> str:
    return "".join(f"token{i:04d} " for i in range(TOKENS_PER_SECOND * SECONDS))


def _response_for(host: Host, hook: str, path: str) -> dict:
    entries = [r for r in host.responses if r["hook"] == hook and r["path"] == path]
    assert entries, "the host recorded no response"
    return entries[-1]


def test_a_stalled_client_still_gets_the_whole_answer(stall_host):
    reply = _stalled_post(stall_host, STALL_HOOK, "/talk", {"query": f"fixture:{PACED}"})
    assert reply.status == 200
    frames = reply.sse()
    assert frames[-1]["event"] == "message_end"
    assert "".join(f.get("answer", "") for f in frames if f["event"] == "message") == _expected_answer()
    stats = _response_for(stall_host, STALL_HOOK, "/talk")
    assert stats["dropped"] == 0
    # 80 tokens/s for 10 s: at most ~20 chunks/s (50 ms window), plus the opening comment and the end.
    print(f"\n/talk: {stats} for {TOKENS_PER_SECOND * SECONDS} deltas in {SECONDS} s")
    assert stats["chunks"] <= 20 * (SECONDS + 1) + 3, stats


def test_one_chunk_per_delta_loses_text_behind_the_queue(stall_probe):
    # A plugin that yields one chunk per delta, its client stalled for the whole answer: the queue
    # overflows and drops (loopback buffers absorb more than 5 s of it, so the stall is longer here).
    body = {"app_id": REPLAY_APP_ID, "query": f"fixture:{PACED}"}
    reply = _stalled_post(stall_probe, PROBE_STALL_HOOK, "/passthrough", body, stall=SECONDS + 2)
    assert reply.status == 200
    stats = _response_for(stall_probe, PROBE_STALL_HOOK, "/passthrough")
    print(f"\npass-through: {stats}")
    assert stats["dropped"] > 0
    text = "".join(f.get("answer", "") for f in reply.sse() if f.get("event") == "message")
    assert text != _expected_answer()


def test_the_chat_stream_cut_keeps_the_partial_answer(cut_host):
    started = time.monotonic()
    reply = request(cut_host.url(CUT_HOOK, "/talk"), method="POST", body={"query": "/endless"}, timeout=60)
    assert reply.status == 200
    frames = reply.sse()
    assert frames[-1]["event"] == "error"
    assert frames[-1]["code"] == "answer_cut"
    partial = "".join(f.get("answer", "") for f in frames if f["event"] == "message")
    assert partial.startswith("The fog horn")
    assert time.monotonic() - started >= CUT_SECONDS
    # The cut is a total limit, not a failure of the plugin.
    assert not [e for e in cut_host.plugin_errors if e["hook"] == CUT_HOOK]


def test_a_disconnect_stops_all_backwards_traffic_of_the_session(cut_host):
    calls_before = len(cut_host.app_calls)
    conn = http.client.HTTPConnection("127.0.0.1", cut_host.port, timeout=30)
    conn.request(
        "POST", f"/e/{CUT_HOOK}/talk", body=b'{"query": "/endless"}', headers={"Content-Type": "application/json"}
    )
    resp = conn.getresponse()
    assert resp.status == 200
    seen = b""
    while b'"event":"message"' not in seen:
        seen += resp.read1(4096)
    # Go away abruptly, like a closed tab.
    resp.close()
    conn.close()

    # The host notices on its next write, closes the session and cancels the chat call.
    def cancelled_response():
        entry = next((r for r in reversed(cut_host.responses) if r["hook"] == CUT_HOOK), None)
        return entry if entry is not None and entry["session_id"] in cut_host.backwards.cancelled else None

    entry = wait_for(cancelled_response, 20)
    assert entry is not None
    session = entry["session_id"]
    traffic = [t for t in cut_host.backwards.traffic if t[0] == session]
    # One app call (plus the parameters fetch), nothing sent to the plugin after the close,
    # and no new call (no retry) from the plugin for that session.
    assert [what for _, direction, what, _ in traffic if direction == "in"].count("app") == 1
    assert not [t for t in traffic if t[3]]
    assert len(cut_host.app_calls) == calls_before + 1


@pytest.mark.parametrize(
    ("query", "code"),
    [("/unpublished", "app_unavailable"), ("/nouser", "app_unavailable"), ("/quota", "provider_quota_exceeded")],
)
def test_wrapped_failures_map_by_message(cut_host, query, code):
    reply = request(cut_host.url("fastdemo00000001", "/talk"), method="POST", body={"query": query})
    assert reply.status == 200
    frames = reply.sse()
    assert [f["event"] for f in frames] == ["error"]
    assert frames[0]["code"] == code


def test_a_chatflow_pausing_for_a_person_is_not_an_empty_answer(cut_host):
    reply = request(cut_host.url("fastdemo00000001", "/talk"), method="POST", body={"query": "/pause"})
    assert reply.status == 200
    frames = reply.sse()
    assert frames[-1]["event"] == "error"
    assert frames[-1]["code"] == "app_paused"
    assert "approval" in "".join(f.get("answer", "") for f in frames if f["event"] == "message")


def test_an_error_chunk_mid_run_makes_exactly_one_app_call(cut_host):
    url = cut_host.url("fastdemo00000001", "/talk")
    first = request(url, method="POST", body={"query": "hello"})
    assert first.status == 200
    conversation = first.sse()[-1]["conversation_id"]
    before = len(cut_host.app_calls)
    reply = request(url, method="POST", body={"query": "/error", "conversation_id": conversation})
    assert reply.status == 200
    frames = reply.sse()
    assert frames[-1]["code"] == "completion_request_error"
    assert not any(f["event"] == "conversation_restarted" for f in frames)
    assert len(cut_host.app_calls) == before + 1
