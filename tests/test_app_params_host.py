"""The app-parameters cache through the local host and the real SDK runtime: one fetch for a crowd."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.hooks import DEMO_APP, DEMO_APP_ID, DEMO_HOOK, HOST_CONFIG
from tests.host_client import request
from tests.test_pages_host import Collect

CROWD = 200
# Dify answers fetch_app in a few ms; a slower answer makes the window for duplicate fetches wide.
FETCH_SECONDS = 0.3


def test_a_cold_cache_fetches_the_parameters_once_for_200_concurrent_pages(make_host):
    config = {
        "apps": {DEMO_APP: HOST_CONFIG["apps"][DEMO_APP]},
        "endpoints": [e for e in HOST_CONFIG["endpoints"] if e["hook_id"] == DEMO_HOOK],
    }
    host = make_host(config)
    fetched: list[str] = []
    lock = threading.Lock()
    original = host.chat.parameters

    def counting(app_id: str):
        with lock:
            fetched.append(app_id)
        time.sleep(FETCH_SECONDS)
        return original(app_id)

    # Every fetch_app backwards call the host answers goes through here.
    host.chat.parameters = counting
    answer = original(DEMO_APP_ID)
    opening = answer.get("data", answer)["opening_statement"]
    start = threading.Barrier(CROWD)

    def visit(_: int):
        start.wait(120)
        return request(host.url(DEMO_HOOK, "/minimal"), timeout=180)

    with ThreadPoolExecutor(CROWD) as pool:
        replies = list(pool.map(visit, range(CROWD)))
    assert [r.status for r in replies] == [200] * CROWD
    assert fetched == [DEMO_APP_ID], f"{len(fetched)} fetch_app calls for {CROWD} pages on a cold cache"
    # Every page, including those that waited for the one fetch, shows the app's opening statement.
    missing = [i for i, r in enumerate(replies) if Collect(r.body.decode()).config["welcome"] != opening]
    assert not missing, f"{len(missing)} pages rendered without the app's parameters"
