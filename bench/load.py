"""Concurrency: N paced streams at once through the real SDK runtime, `/talk` next to the probe plugin's
bare `/passthrough`, in the same run. Per level: completion, time to the first answer frame, deltas/s,
CPU of the plugin process per 1,000 deltas, its RSS.

Run with `python -m bench` (every bench), `python -m bench load` or `python -m bench load --quick`.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localdify import Host  # noqa: E402
from tests.support.fixtures import PROBE_DIR  # noqa: E402

TALK_HOOK = "benchload0000001"
PROBE_HOOK = "benchloadprobe01"
APP = "bench-paced"
RATE = 80  # deltas per second, a fast model
TOKENS = 400  # five seconds of answer at RATE
LEVELS = (1, 10, 50, 100, 200)
QUICK_LEVELS = (1, 10, 50)
QUICK_TOKENS = 160
STREAM_TIMEOUT = 120.0
# Budgets: every stream completes up to this many at once; our CPU per delta within this factor
# of the bare pass-through's (over every level of the run).
COMPLETE_UP_TO = 50
CPU_RATIO_BUDGET = 1.25
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def config(hook: str, tokens: int = TOKENS, rate: float = RATE) -> dict:
    return {
        "apps": {APP: {"backend": "paced", "tokens": tokens, "rate": rate}},
        "endpoints": [
            {"hook_id": hook, "name": "Load", "settings": {"app": {"app_id": APP, "inputs": {}, "files": []}}}
        ],
    }


# -- the plugin process, from /proc ------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (every thread), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


# -- one stream --------------------------------------------------------------------------------

MESSAGE_MARKS = (b'"event":"message"', b'"event": "message"')


@dataclass
class Stream:
    status: int = 0
    first_answer: float | None = None  # seconds from the request to the first answer frame
    seconds: float = 0.0
    deltas: int = 0
    ended: bool = False  # message_end arrived
    error: str = ""

    def complete(self, tokens: int) -> bool:
        return self.status == 200 and self.ended and self.deltas == tokens and not self.error


def stream(url: str, query: str, stop_after: int | None = None, timeout: float = STREAM_TIMEOUT) -> Stream:
    """POST one chat message and read the SSE answer to its end (or close after `stop_after` bytes)."""
    result = Stream()
    parts = urlsplit(url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            "POST", parts.path, body=json.dumps({"query": query}), headers={"Content-Type": "application/json"}
        )
        resp = conn.getresponse()
        result.status = resp.status
        pieces: list[bytes] = []
        size = 0
        tail = b""
        while piece := resp.read1(65536):
            pieces.append(piece)
            size += len(piece)
            if result.first_answer is None and b'"answer"' in tail + piece:
                result.first_answer = time.perf_counter() - started
            tail = piece[-16:]
            if stop_after is not None and size >= stop_after:
                break  # a visitor who closes the tab mid-answer
        body = b"".join(pieces)
        result.deltas = sum(body.count(mark) for mark in MESSAGE_MARKS)
        result.ended = b"message_end" in body
    except (OSError, http.client.HTTPException) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
        result.seconds = time.perf_counter() - started
    return result


# -- one level ---------------------------------------------------------------------------------


@dataclass
class Level:
    target: str
    n: int
    complete: int
    first_p50_ms: float
    first_p95_ms: float
    deltas_per_s: float
    cpu_ms_per_1k: float
    rss_mb: float
    seconds: float
    deltas: int
    cpu_s: float
    harness_cpu_s: float  # this process: the local host and the clients


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_level(target: str, url: str, pid: int, n: int, tokens: int) -> Level:
    """N streams started together; CPU and peak RSS of the plugin process while they run."""
    results: list[Stream] = [Stream() for _ in range(n)]
    gate = threading.Barrier(n + 1)

    def one(i: int) -> None:
        gate.wait()
        results[i] = stream(url, f"load {i}")

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    peak = rss_mb(pid)
    cpu_before = cpu_seconds(pid)
    harness_before = cpu_seconds(os.getpid())
    started = time.perf_counter()
    gate.wait()
    for t in threads:
        while t.is_alive():
            t.join(0.25)
            peak = max(peak, rss_mb(pid))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    harness = cpu_seconds(os.getpid()) - harness_before
    firsts = [r.first_answer * 1000 for r in results if r.first_answer is not None]
    deltas = sum(r.deltas for r in results)
    return Level(
        target=target,
        n=n,
        complete=sum(r.complete(tokens) for r in results),
        first_p50_ms=statistics.median(firsts) if firsts else float("nan"),
        first_p95_ms=percentile(firsts, 0.95),
        deltas_per_s=deltas / seconds,
        cpu_ms_per_1k=cpu * 1000 / deltas * 1000 if deltas else float("nan"),
        rss_mb=peak,
        seconds=seconds,
        deltas=deltas,
        cpu_s=cpu,
        harness_cpu_s=harness,
    )


def measure(levels: tuple[int, ...], tokens: int) -> list[Level]:
    """Both plugins, level by level, interleaved so both see the same machine."""
    out: list[Level] = []
    with (
        Host(config(TALK_HOOK, tokens), plugin_dir=ROOT) as talk,
        Host(config(PROBE_HOOK, tokens), plugin_dir=PROBE_DIR) as probe,
    ):
        targets = (
            ("/talk", talk.url(TALK_HOOK, "/talk"), talk),
            ("pass-through", probe.url(PROBE_HOOK, "/passthrough"), probe),
        )
        for _, url, _host in targets:  # warm up: imports, the app-parameters cache
            stream(url, "warm up")
        for n in levels:
            for name, url, host in targets:
                out.append(run_level(name, url, host.plugin_pid, n, tokens))
        errors = talk.plugin_errors + probe.plugin_errors
    if errors:
        raise AssertionError(f"plugin errors during the load bench: {errors[:3]}")
    return out


# -- report ------------------------------------------------------------------------------------


def print_table(levels: list[Level], tokens: int) -> None:
    header = (
        "N",
        "plugin",
        "complete",
        "first answer p50/p95",
        "deltas/s",
        "CPU per 1k deltas",
        "plugin CPU",
        "host CPU",
        "RSS",
        "wall",
    )
    rows = [
        (
            str(lv.n),
            lv.target,
            f"{lv.complete}/{lv.n}",
            f"{lv.first_p50_ms:.0f} / {lv.first_p95_ms:.0f} ms",
            f"{lv.deltas_per_s:,.0f}",
            f"{lv.cpu_ms_per_1k:.0f} ms",
            f"{lv.cpu_s / lv.seconds:.0%}",
            f"{lv.harness_cpu_s / lv.seconds:.0%}",
            f"{lv.rss_mb:.0f} MB",
            f"{lv.seconds:.1f} s",
        )
        for lv in levels
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{tokens} deltas per stream at {RATE}/s (a stream alone takes {tokens / RATE:.1f} s)")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def cpu_per_1k(levels: list[Level], target: str) -> float:
    mine = [lv for lv in levels if lv.target == target]
    return sum(lv.cpu_s for lv in mine) * 1e6 / max(1, sum(lv.deltas for lv in mine))


def check(levels: list[Level]) -> list[tuple[str, str, bool]]:
    """(budget, measured, holds) for each budget."""
    checks = []
    for lv in levels:
        if lv.target == "/talk" and lv.n <= COMPLETE_UP_TO:
            checks.append((f"/talk N={lv.n}: every stream complete", f"{lv.complete}/{lv.n}", lv.complete == lv.n))
    ours, bare = cpu_per_1k(levels, "/talk"), cpu_per_1k(levels, "pass-through")
    checks.append(
        (
            f"/talk CPU per 1k deltas <= {CPU_RATIO_BUDGET:.2f}x pass-through (all levels)",
            f"{ours:.0f} ms vs {bare:.0f} ms ({ours / bare:.2f}x)",
            ours <= bare * CPU_RATIO_BUDGET,
        )
    )
    return checks


def run(quick: bool = False) -> int:
    """Measure, print the table and the budgets; 0 when every budget holds."""
    levels_n, tokens = (QUICK_LEVELS, QUICK_TOKENS) if quick else (LEVELS, TOKENS)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per stream drowns the table
    levels = measure(levels_n, tokens)
    print_table(levels, tokens)
    checks = check(levels)
    print()
    for budget, measured, ok in checks:
        print(f"{'OK  ' if ok else 'FAIL'}  {budget}: {measured}")
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(run(quick="--quick" in sys.argv[1:]))
