"""The load bench's pieces: the paced upstream, the stream reader and the /proc readings it relies on."""

from __future__ import annotations

import os
import time

import pytest

from bench.load import APP, config, cpu_seconds, open_fds, percentile, rss_mb, stream
from localdify.apps.base import Turn
from localdify.apps.paced import PacedBackend
from tests.support.fixtures import PROBE_DIR, REPO_ROOT


def test_paced_backend_streams_a_fixed_answer_on_a_schedule():
    backend = PacedBackend({"tokens": 50, "rate": 1000})
    steps = []
    started = time.monotonic()
    for kind, value in backend.stream(Turn(app_id=APP, query="q", inputs={}, conversation_id="c")):
        steps.append((kind, value))
        if kind == "pause":
            time.sleep(value)  # as the host does
    elapsed = time.monotonic() - started
    chunks = [v for k, v in steps if k == "chunk"]
    assert [c["event"] for c in chunks] == ["message"] * 50 + ["message_end"]
    assert all(c["conversation_id"] == "c" and c["answer"] for c in chunks[:-1])
    # Each pause waits for the next slot of a schedule fixed at the start, never a whole interval more.
    assert all(0 < v <= 1 / 1000 for k, v in steps if k == "pause")
    assert elapsed >= 49 / 1000
    assert chunks[-1]["metadata"]["usage"]["completion_tokens"] == 50


@pytest.mark.parametrize("options", [{"tokens": 0}, {"rate": 0}])
def test_paced_backend_refuses_nonsense(options):
    with pytest.raises(ValueError):
        PacedBackend(options)


def test_proc_readings_of_this_process():
    pid = os.getpid()
    assert cpu_seconds(pid) > 0
    assert rss_mb(pid) > 10
    assert open_fds(pid) >= 3
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile([1, 2, 3], 0.95) == 3


@pytest.mark.parametrize(("plugin_dir", "path"), [(REPO_ROOT, "/talk"), (PROBE_DIR, "/passthrough")])
def test_a_paced_stream_completes_through_both_plugins(make_host, plugin_dir, path):
    hook = "loadbenchtest001"
    host = make_host(config(hook, tokens=40, rate=400), plugin_dir=plugin_dir)
    result = stream(host.url(hook, path), "hello", timeout=120)
    assert result.status == 200, result.error
    assert result.complete(40), result
    assert result.first_answer is not None and result.first_answer <= result.seconds
    # A visitor who leaves early: the reader stops, the stream counts as incomplete.
    cut = stream(host.url(hook, path), "hello", stop_after=1, timeout=120)
    assert cut.status == 200 and not cut.complete(40)


def test_paced_options_are_checked_when_the_host_starts(make_host):
    with pytest.raises(ValueError, match="paced app"):
        make_host(config("loadbenchtest002", tokens=0))
