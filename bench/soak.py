"""Soak: minutes of mixed traffic with failures through the real SDK runtime, watching the plugin process.

`python -m bench soak --minutes 10` (not part of `make bench`). Workers loop over page loads, chats,
the demo bot's failure commands (/error, /quota, /broken, /stale in a live conversation) and visitors
who close the connection mid-answer. Every SAMPLE_SECONDS the plugin's RSS and open file descriptors
are sampled. After the warm-up the level must stay flat: the median of the last three samples may
exceed the median of the first three by at most --rss-tolerance MB and --fd-tolerance descriptors.
Any unexpected answer, plugin error or plugin restart also fails the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import open_fds, rss_mb  # noqa: E402
from localdify import Host  # noqa: E402

HOOK = "soak000000000001"
APP = "soak-demo"
SAMPLE_SECONDS = 10.0
# The demo bot at four times its human pace: a plain answer takes about a second.
DEMO_SPEED = 4
# RSS may wander with the number of streams open at the moment of a sample; a leak grows without bound.
RSS_TOLERANCE_MB = 12.0
FD_TOLERANCE = 4
# (action, weight)
MIX = (
    ("page", 15),
    ("chat", 35),
    ("error", 10),
    ("quota", 8),
    ("broken", 8),
    ("stale", 10),
    ("disconnect", 14),
)


def config() -> dict:
    return {
        "apps": {APP: {"backend": "demo", "speed": DEMO_SPEED, "parameters": "full"}},
        "endpoints": [
            {"hook_id": HOOK, "name": "Soak", "settings": {"app": {"app_id": APP, "inputs": {}, "files": []}}}
        ],
    }


def frames(body: bytes) -> list[dict]:
    """The JSON of every `data:` frame of an SSE body."""
    out = []
    for block in body.decode("utf-8", "replace").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data:"):
                out.append(json.loads(line[5:]))
    return out


def post_talk(url: str, body: dict, stop_after: int | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("POST", parts.path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        pieces, size = [], 0
        while piece := resp.read1(65536):
            pieces.append(piece)
            size += len(piece)
            if stop_after is not None and size >= stop_after:
                break
        return resp.status, b"".join(pieces)
    finally:
        conn.close()


def get(url: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Traffic:
    """One kind of visit per call; returns the problem found, or '' when the answer was as expected."""

    def __init__(self, host: Host) -> None:
        self.talk = host.url(HOOK, "/talk")
        self.page = host.url(HOOK, "/minimal")

    def visit(self, action: str) -> str:
        return getattr(self, "_" + action)()

    def _page(self) -> str:
        status, body = get(self.page)
        return "" if status == 200 and b"cs-app" in body else f"page: {status}"

    def _chat(self, query: str = "How is the night watch kept?", conversation_id: str | None = None) -> str:
        body = {"query": query, **({"conversation_id": conversation_id} if conversation_id else {})}
        status, raw = post_talk(self.talk, body)
        events = [f.get("event") for f in frames(raw)] if status == 200 else []
        return "" if "message_end" in events else f"chat: {status}, last {events[-1:]}"

    def _failure(self, command: str) -> str:
        status, raw = post_talk(self.talk, {"query": command})
        events = [f.get("event") for f in frames(raw)] if status == 200 else []
        return "" if events and events[-1] == "error" else f"{command}: {status}, last {events[-1:]}"

    def _error(self) -> str:
        return self._failure("/error")

    def _quota(self) -> str:
        return self._failure("/quota")

    def _broken(self) -> str:
        return self._failure("/broken")

    def _stale(self) -> str:
        status, raw = post_talk(self.talk, {"query": "hello"})
        ends = [f for f in frames(raw) if f.get("event") == "message_end"] if status == 200 else []
        if not ends or not ends[0].get("conversation_id"):
            return f"stale (first turn): {status}"
        status, raw = post_talk(self.talk, {"query": "/stale", "conversation_id": ends[0]["conversation_id"]})
        events = [f.get("event") for f in frames(raw)] if status == 200 else []
        return "" if "conversation_restarted" in events else f"/stale: {status}, {events[:3]}"

    def _disconnect(self) -> str:
        # A visitor who closes the tab a little way into a very long answer.
        status, raw = post_talk(self.talk, {"query": "/long"}, stop_after=2048)
        return "" if status == 200 and raw else f"disconnect: {status}"


@dataclass
class Sample:
    at: float
    rss_mb: float
    fds: int


def worker(traffic: Traffic, seed: int, deadline: float, counts: Counter, problems: list, lock: threading.Lock):
    rng = random.Random(seed)
    actions, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        action = rng.choices(actions, weights)[0]
        try:
            problem = traffic.visit(action)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            problem = f"{action}: {type(exc).__name__}: {exc}"
        with lock:
            counts[action] += 1
            if problem:
                problems.append(problem)


def flat(samples: list[Sample], warmup: float, rss_tolerance: float, fd_tolerance: int) -> list[tuple[str, bool]]:
    """The post-warm-up checks: (text, holds)."""
    steady = [s for s in samples if s.at >= warmup]
    if len(steady) < 6:
        return [(f"at least 6 samples after the {warmup:.0f} s warm-up (got {len(steady)})", False)]
    rss_start = statistics.median(s.rss_mb for s in steady[:3])
    rss_end = statistics.median(s.rss_mb for s in steady[-3:])
    fd_start = statistics.median(s.fds for s in steady[:3])
    fd_end = statistics.median(s.fds for s in steady[-3:])
    return [
        (
            f"RSS {rss_start:.1f} -> {rss_end:.1f} MB (max {max(s.rss_mb for s in steady):.1f}), "
            f"growth <= {rss_tolerance:.0f} MB",
            rss_end - rss_start <= rss_tolerance,
        ),
        (f"open fds {fd_start:.0f} -> {fd_end:.0f}, growth <= {fd_tolerance}", fd_end - fd_start <= fd_tolerance),
    ]


def soak(minutes: float, workers: int, warmup: float | None, rss_tolerance: float, fd_tolerance: int) -> int:
    duration = minutes * 60
    # Long enough for the steady state; a disconnected chat may hold its worker for minutes on real Dify.
    warmup = warmup if warmup is not None else min(240.0, duration * 0.4)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    counts: Counter = Counter()
    problems: list[str] = []
    samples: list[Sample] = []
    lock = threading.Lock()
    with Host(config()) as host:
        pid = host.plugin_pid
        traffic = Traffic(host)
        started = time.monotonic()
        deadline = started + duration
        threads = [
            threading.Thread(target=worker, args=(traffic, i, deadline, counts, problems, lock), daemon=True)
            for i in range(workers)
        ]
        for t in threads:
            t.start()
        print(f"soak: {minutes:g} min, {workers} workers, warm-up {warmup:.0f} s, plugin pid {pid}")
        print(f"{'t':>6}  {'RSS':>8}  {'fds':>4}  visits")
        next_sample = started
        while True:
            now = time.monotonic()
            if now >= next_sample:
                s = Sample(now - started, rss_mb(pid), open_fds(pid))
                samples.append(s)
                with lock:
                    visits = sum(counts.values())
                print(f"{s.at:>5.0f}s  {s.rss_mb:>5.1f} MB  {s.fds:>4}  {visits}", flush=True)
                next_sample += SAMPLE_SECONDS
            if now >= deadline:
                break
            time.sleep(min(1.0, max(0.0, next_sample - now)))
        for t in threads:
            t.join(180)
        stuck = sum(t.is_alive() for t in threads)
        restarts = host.plugin.restarts
        errors = list(host.plugin_errors)
        final_pid = host.plugin_pid
        # Stopping the host cuts the /long answers still streaming to visitors who left: not news.
        logging.getLogger("localdify.backwards").setLevel(logging.CRITICAL)
    checks = flat(samples, warmup, rss_tolerance, fd_tolerance)
    checks += [
        (f"unexpected answers: {len(problems)} {Counter(problems).most_common(3)}", not problems),
        (f"plugin errors: {len(errors)}", not errors),
        (f"plugin restarts: {restarts}", restarts == 0 and final_pid == pid),
        (f"workers stuck at the end: {stuck}", stuck == 0),
    ]
    print("\nvisits: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" (total {sum(counts.values())})")
    for text, ok in checks:
        print(f"{'OK  ' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=16, help="concurrent visitors (default 16)")
    parser.add_argument("--warmup", type=float, default=None, help="seconds (default: 40%% of the run, at most 240)")
    parser.add_argument("--rss-tolerance", type=float, default=RSS_TOLERANCE_MB, help="MB after the warm-up")
    parser.add_argument("--fd-tolerance", type=int, default=FD_TOLERANCE, help="descriptors after the warm-up")
    args = parser.parse_args(argv)
    return soak(args.minutes, args.workers, args.warmup, args.rss_tolerance, args.fd_tolerance)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
