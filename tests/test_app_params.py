"""The app-parameters cache under concurrency: single flight, stale-while-refresh, failures (pure, with threads)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from chat_skins import app_params
from chat_skins.app_params import FAILURE_TTL_SECONDS, STALE_LIMIT_SECONDS, TTL_SECONDS, ParamsCache
from tests.support.clock import Clock
from tests.support.fixtures import REPO_ROOT

OLD = {"opening_statement": "old"}
NEW = {"opening_statement": "new"}
JOIN_SECONDS = 20


class Gate:
    """A fetch that records each call, signals that it started, and blocks until released."""

    def __init__(self, answer=NEW) -> None:
        self.answer = answer
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, app_id: str):
        with self._lock:
            self.calls += 1
        self.started.set()
        assert self.release.wait(JOIN_SECONDS), "the test never released the fetch"
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def run_threads(n: int, target) -> list:
    results: list = [None] * n

    def work(i: int) -> None:
        results[i] = target()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_SECONDS)
        assert not t.is_alive(), "a caller is stuck"
    return results


def test_cold_cache_fetches_once_for_many_concurrent_callers():
    cache = ParamsCache()
    n = 64
    entered = 0
    all_in = threading.Event()
    lock = threading.Lock()

    def fetch(app_id):
        calls.append(app_id)
        # Held until every caller has arrived: without single flight each of them would fetch too.
        assert all_in.wait(JOIN_SECONDS)
        return {"data": NEW}

    def caller():
        nonlocal entered
        with lock:
            entered += 1
            if entered == n:
                all_in.set()
        return cache.get("app", fetch)

    calls: list[str] = []
    results = run_threads(n, caller)
    assert calls == ["app"]
    assert results == [NEW] * n
    assert cache.fetch_count("app") == 1


def test_stale_answer_is_served_while_one_refresh_runs():
    cache, clock = ParamsCache(), Clock()
    assert cache.get("app", lambda a: OLD, clock) == OLD
    clock.now += TTL_SECONDS + 1
    gate = Gate(NEW)
    refresher = threading.Thread(target=lambda: refreshed.append(cache.get("app", gate, clock)))
    refreshed: list = []
    refresher.start()
    assert gate.started.wait(JOIN_SECONDS)
    # While the refresh is in flight every other caller gets the older answer at once, and none fetches.
    others = run_threads(20, lambda: cache.get("app", gate, clock))
    assert others == [OLD] * 20
    assert gate.calls == 1
    gate.release.set()
    refresher.join(JOIN_SECONDS)
    assert refreshed == [NEW]
    assert cache.get("app", gate, clock) == NEW
    assert gate.calls == 1 and cache.fetch_count("app") == 2


def test_failed_refresh_keeps_serving_the_last_good_answer_within_a_bound():
    cache, clock = ParamsCache(), Clock()
    calls = []

    def failing(app_id):
        calls.append(app_id)
        raise RuntimeError("invoke app failed: Dify is down")

    assert cache.get("app", lambda a: OLD, clock) == OLD
    clock.now += TTL_SECONDS + 1
    assert cache.get("app", failing, clock) == OLD
    assert len(calls) == 1
    # Right after a failure nobody fetches again; the older answer is served.
    assert cache.get("app", failing, clock) == OLD
    assert len(calls) == 1
    clock.now += FAILURE_TTL_SECONDS + 1
    assert cache.get("app", failing, clock) == OLD
    assert len(calls) == 2
    # Past the bound the old answer is no longer served: better no form than a very old one.
    clock.now += STALE_LIMIT_SECONDS
    assert cache.get("app", failing, clock) is None
    assert len(calls) == 3
    clock.now += FAILURE_TTL_SECONDS + 1
    assert cache.get("app", lambda a: NEW, clock) == NEW


def test_a_failure_is_not_cached_as_an_answer_and_its_waiters_all_get_none():
    cache, clock = ParamsCache(), Clock()
    gate = Gate(RuntimeError("fetch app failed: data is nil"))
    first: list = []
    t = threading.Thread(target=lambda: first.append(cache.get("app", gate, clock)))
    t.start()
    assert gate.started.wait(JOIN_SECONDS)
    waiters = [threading.Thread(target=lambda: first.append(cache.get("app", gate, clock))) for _ in range(10)]
    for w in waiters:
        w.start()
    gate.release.set()
    for w in [t, *waiters]:
        w.join(JOIN_SECONDS)
        assert not w.is_alive()
    assert first == [None] * 11
    assert gate.calls == 1
    # Within the failure pause: no new fetch, still nothing to serve.
    assert cache.get("app", gate, clock) is None and gate.calls == 1
    clock.now += FAILURE_TTL_SECONDS + 1
    assert cache.get("app", lambda a: NEW, clock) == NEW


@pytest.mark.parametrize("answer", [None, "text", 42, ["x"], {"data": None}])
def test_unusable_answers_count_as_failures(answer):
    cache, clock = ParamsCache(), Clock()
    assert cache.get("app", lambda a: answer, clock) is None
    clock.now += FAILURE_TTL_SECONDS + 1
    assert cache.get("app", lambda a: {"data": NEW}, clock) == NEW


def test_a_fetch_killed_by_a_base_exception_does_not_leave_the_key_stuck():
    class Killed(BaseException):
        pass

    cache = ParamsCache()

    def killed(app_id):
        raise Killed()

    with pytest.raises(Killed):
        cache.get("app", killed)
    # No flight is left behind: the next caller fetches instead of waiting for a fetch that ended.
    clock = Clock()
    clock.now = 10**9
    assert cache.get("app", lambda a: NEW, clock) == NEW


def test_keys_refresh_independently_and_callers_share_one_answer():
    cache = ParamsCache()
    gate = Gate(OLD)
    t = threading.Thread(target=lambda: cache.get("slow", gate))
    t.start()
    assert gate.started.wait(JOIN_SECONDS)
    other = cache.get("fast", lambda a: {"data": {"list": [1]}})
    assert other == {"list": [1]}
    # No copy per request: pages key their memo on the answer's identity.
    assert cache.get("fast", lambda a: pytest.fail("fresh answers are not fetched again")) is other
    gate.release.set()
    t.join(JOIN_SECONDS)
    assert cache.get("slow", gate) == OLD and gate.calls == 1


def test_full_cache_evicts_only_entries_without_a_fetch_in_flight():
    cache = ParamsCache(max_entries=2)
    gate = Gate(OLD)
    t = threading.Thread(target=lambda: cache.get("in-flight", gate))
    t.start()
    assert gate.started.wait(JOIN_SECONDS)
    assert cache.get("b", lambda a: NEW) == NEW
    assert cache.get("c", lambda a: NEW) == NEW  # evicts b, not the entry being fetched
    gate.release.set()
    t.join(JOIN_SECONDS)
    assert cache.fetch_count("in-flight") == 1 and cache.fetch_count("b") == 0


def test_module_level_helpers_use_one_shared_cache():
    app_params.clear_cache()
    calls = []
    for _ in range(3):
        assert app_params.get_app_params("shared", lambda a: calls.append(a) or {"data": NEW}) == NEW
    assert calls == ["shared"]
    assert app_params.get_app_params("", lambda a: NEW) is None
    assert app_params.get_app_params("shared", None) is None
    app_params.clear_cache()


GEVENT_SCRIPT = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    import gevent

    from chat_skins.app_params import ParamsCache

    cache = ParamsCache()
    calls = []

    def fetch(app_id):
        calls.append(app_id)
        gevent.sleep(0.05)  # a backwards call: yields to the other greenlets
        return {"data": {"opening_statement": app_id}}

    jobs = [gevent.spawn(cache.get, "app-" + str(i % 2), fetch) for i in range(200)]
    gevent.joinall(jobs, timeout=20, raise_error=True)
    results = [job.value for job in jobs]
    assert all(job.ready() for job in jobs), "a greenlet is stuck"
    assert sorted(calls) == ["app-0", "app-1"], calls
    assert results == [{"opening_statement": "app-" + str(i % 2)} for i in range(200)], results[:4]
    print("ok", len(calls))
    """
)


def test_single_flight_under_gevent_monkey_patching():
    """The SDK's runtime: patched threading primitives, greenlets instead of threads."""
    done = subprocess.run(
        [sys.executable, "-c", GEVENT_SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok 2"
