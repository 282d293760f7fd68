"""Backwards calls (storage, app, fetch_app) answered by the host, exercised through the probe plugin."""

from __future__ import annotations

import uuid

import pytest

from localdify.apps import STALE_CONVERSATION
from tests.support.fixtures import PROBE_DIR
from tests.support.hooks import DEMO_APP_ID, PROBE_CONFIG, PROBE_HOOK, REPLAY_APP_ID
from tests.support.host_client import request
from tests.support.waiting import wait_for


def storage(host, **body):
    reply = request(host.url(PROBE_HOOK, "/storage"), method="POST", body=body)
    return reply.status, reply.json()


def talk(host, **body):
    reply = request(host.url(PROBE_HOOK, "/passthrough"), method="POST", body=body)
    assert reply.status == 200
    return reply.sse()


# -- storage -------------------------------------------------------------------------


def test_storage_set_get_exist_delete(probe_host):
    key = f"k-{uuid.uuid4().hex}"
    assert storage(probe_host, op="exist", key=key) == (200, {"result": False})
    assert storage(probe_host, op="set", key=key, value="héllo") == (200, {"result": "ok"})
    assert storage(probe_host, op="exist", key=key) == (200, {"result": True})
    assert storage(probe_host, op="get", key=key) == (200, {"result": "héllo"})
    assert storage(probe_host, op="delete", key=key) == (200, {"result": "ok"})
    assert storage(probe_host, op="exist", key=key) == (200, {"result": False})


def test_storage_get_of_missing_key_fails_with_the_daemons_words(probe_host):
    status, body = storage(probe_host, op="get", key=f"missing-{uuid.uuid4().hex}")
    assert status == 400
    assert "load data failed, please check if the key is correct or you have not set it" in body["error"]


def test_storage_delete_of_missing_key_fails(probe_host):
    status, body = storage(probe_host, op="delete", key=f"missing-{uuid.uuid4().hex}")
    assert status == 400
    assert "delete data failed" in body["error"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("a" * 257, "key length must be less than 256 characters"),
        # The daemon counts bytes (Go's len): 129 two-byte characters are 258 bytes.
        ("é" * 129, "key length must be less than 256 characters"),
        ("../b", "path traversal"),
        ("a..b", "path traversal"),
        ("a\\b", "path traversal"),
    ],
)
def test_storage_key_rules(probe_host, key, message):
    status, body = storage(probe_host, op="set", key=key, value="x")
    assert status == 400
    assert "save data failed" in body["error"] and message in body["error"]


def test_storage_keys_are_cleaned_like_paths(probe_host):
    # The daemon cleans the key as a path before storing: `//` collapses and `a/../b` is `b`.
    base = f"clean-{uuid.uuid4().hex}"
    assert storage(probe_host, op="set", key=f"{base}//x/", value="one") == (200, {"result": "ok"})
    assert storage(probe_host, op="get", key=f"{base}/x") == (200, {"result": "one"})
    assert storage(probe_host, op="set", key=f"{base}/y/../z", value="two") == (200, {"result": "ok"})
    assert storage(probe_host, op="get", key=f"{base}/z") == (200, {"result": "two"})
    for key in (f"{base}/x", f"{base}/z"):
        assert storage(probe_host, op="delete", key=key) == (200, {"result": "ok"})


def test_storage_key_of_256_bytes_is_fine(probe_host):
    key = "k" * 255 + "z"
    assert storage(probe_host, op="set", key=key, value="x") == (200, {"result": "ok"})
    assert storage(probe_host, op="delete", key=key) == (200, {"result": "ok"})


def test_storage_size_limit_from_the_manifest(make_host):
    host = make_host(PROBE_CONFIG, plugin_dir=PROBE_DIR)
    # The probe's manifest allows 2048 bytes in total.
    assert host.storage.size_limit == 2048
    key = f"big-{uuid.uuid4().hex}"
    assert storage(host, op="set", key=key, value="x", repeat=1500) == (200, {"result": "ok"})
    assert host.storage.used() == 1500
    # Overwriting a key counts its new size, not both.
    assert storage(host, op="set", key=key, value="y", repeat=1600) == (200, {"result": "ok"})
    assert host.storage.used() == 1600
    status, body = storage(host, op="set", key="other", value="z", repeat=449)
    assert status == 400
    assert body["error"].endswith("save data failed: allocated size is greater than max storage size")
    # As in the daemon, the value was written before the size check failed; it is only not counted.
    assert storage(host, op="get", key="other") == (200, {"result": "z" * 449})
    assert host.storage.used() == 1600 and host.storage.stored() == 1600 + 449
    assert storage(host, op="set", key="other", value="z", repeat=448) == (200, {"result": "ok"})
    assert host.storage.used() == 1600 - 1
    assert storage(host, op="delete", key=key) == (200, {"result": "ok"})
    # The daemon then subtracts the real size of what it deletes: its account drifts, here to -1.
    assert host.storage.used() == -1
    assert storage(host, op="set", key=key, value="x", repeat=2050) == (400, body)


# -- app ---------------------------------------------------------------------------


def test_demo_chat_streams_and_is_recorded(probe_host):
    events = talk(probe_host, query="How do lighthouses work?", user="visitor-1")
    names = [e["event"] for e in events]
    assert names.count("message") > 20
    assert names[-1] == "message_end"
    assert events[-1]["metadata"]["retriever_resources"]
    text = "".join(e["answer"] for e in events if e["event"] == "message")
    assert "| Hour | Task | Who |" in text and "```python" in text
    conversation_ids = {e["conversation_id"] for e in events}
    message_ids = {e["message_id"] for e in events}
    assert len(conversation_ids) == 1 and len(message_ids) == 1
    call = probe_host.app_calls[-1]
    assert call == {
        "app_id": DEMO_APP_ID,
        "query": "How do lighthouses work?",
        "inputs": {},
        "response_mode": "streaming",
        "conversation_id": None,
        "user": "visitor-1",
        "hook": PROBE_HOOK,
    }


def test_conversation_continues_with_new_message_ids(probe_host):
    first = talk(probe_host, query="hello")
    conversation_id = first[-1]["conversation_id"]
    second = talk(probe_host, query="and again", conversation_id=conversation_id)
    assert second[-1]["event"] == "message_end"
    assert second[-1]["conversation_id"] == conversation_id
    assert second[-1]["message_id"] != first[-1]["message_id"]
    text = "".join(e.get("answer", "") for e in second)
    assert "message 2 in this conversation" in text


def test_unknown_conversation_fails_before_streaming_like_dify(probe_host):
    events = talk(probe_host, query="hi", conversation_id=str(uuid.uuid4()))
    assert events == [{"_sse_event": "exception", "message": STALE_CONVERSATION}]


def test_stale_command_forgets_the_conversation(probe_host):
    conversation_id = talk(probe_host, query="hello")[-1]["conversation_id"]
    events = talk(probe_host, query="/stale", conversation_id=conversation_id)
    assert events == [{"_sse_event": "exception", "message": STALE_CONVERSATION}]
    again = talk(probe_host, query="hello", conversation_id=conversation_id)
    assert again == [{"_sse_event": "exception", "message": STALE_CONVERSATION}]
    fresh = talk(probe_host, query="/stale")
    assert fresh[-1]["event"] == "message_end"
    assert fresh[-1]["conversation_id"] != conversation_id


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("/error", ["message", "error"]),
        ("/quota", ["error"]),
        ("/agent", ["agent_thought", "agent_message", "message_end"]),
        ("/flow", ["workflow_started", "node_started", "node_finished", "message", "workflow_finished", "message_end"]),
        ("/moderated", ["message", "message_replace", "message_end"]),
    ],
)
def test_demo_commands_stream_their_events(probe_host, query, expect):
    events = talk(probe_host, query=query)
    names = [e["event"] for e in events]
    assert sorted(set(names)) == sorted(set(expect))
    assert names[-1] == expect[-1]


def test_demo_quota_error_comes_first(probe_host):
    events = talk(probe_host, query="/quota")
    assert len(events) == 1
    assert events[0]["code"] == "provider_quota_exceeded"


def test_demo_broken_stream_raises_after_partial_text(probe_host):
    events = talk(probe_host, query="/broken")
    assert events[0]["event"] == "message"
    assert events[-1] == {"_sse_event": "exception", "message": "read app failed: request failed: unexpected EOF"}


def test_blocking_answer_is_the_final_message_object(probe_host):
    reply = request(
        probe_host.url(PROBE_HOOK, "/passthrough"), method="POST", body={"query": "hi", "response_mode": "blocking"}
    )
    assert reply.status == 200
    answer = reply.json()
    assert answer["event"] == "message"
    assert answer["answer"].startswith("I'm a demo bot")
    assert answer["conversation_id"] and answer["message_id"]
    assert "usage" in answer["metadata"]
    assert probe_host.app_calls[-1]["response_mode"] == "blocking"


def test_blocking_error_chunk_becomes_an_exception(probe_host):
    reply = request(
        probe_host.url(PROBE_HOOK, "/passthrough"), method="POST", body={"query": "/quota", "response_mode": "blocking"}
    )
    assert reply.status == 502
    text = reply.json()["exception"]
    assert text.startswith("invoke app failed: request failed with status code: 400 and respond with: ")
    assert '"code":"provider_quota_exceeded"' in text


def test_unknown_app_fails(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/fetch?app_id=nope"))
    assert reply.status == 502
    assert reply.json() == {"exception": "fetch app failed: data is nil"}


def test_unknown_backwards_call_type_is_an_error(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/unknown-call"))
    assert reply.status == 200
    assert reply.json() == {"exception": "unsupported backwards invocation: rerank"}


def test_fetch_app_returns_the_parameters(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/fetch"))
    assert reply.status == 200
    # The daemon unwraps Dify's {"data": ...}: the plugin gets the parameters object itself.
    data = reply.json()
    assert "data" not in data
    assert data["opening_statement"].startswith("Hello!")
    assert len(data["suggested_questions"]) == 3
    assert data["user_input_form"][0]["text-input"]["variable"] == "name"


def test_fetch_app_of_replay_app_reads_the_fixture(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, f"/fetch?app_id={REPLAY_APP_ID}"))
    assert reply.status == 200
    assert reply.json()["opening_statement"].startswith("Hi! I'm your returns assistant")


def test_inputs_reach_the_app(probe_host):
    events = talk(probe_host, query="what now", inputs={"name": "Ada", "tone": "Brief"})
    text = "".join(e.get("answer", "") for e in events)
    assert text.startswith("Hi Ada! Short answer")
    assert probe_host.app_calls[-1]["inputs"] == {"name": "Ada", "tone": "Brief"}


def test_a_value_too_big_for_one_stdout_line_restarts_the_plugin(make_host, caplog):
    """The SDK sends a value hex-encoded in one line; the daemon's reader stops at 5 MiB (the plugin restarts)."""
    host = make_host(PROBE_CONFIG, plugin_dir=PROBE_DIR)
    pid, restarts = host.plugin_pid, host.plugin.restarts
    reply = request(
        host.url(PROBE_HOOK, "/storage"), "POST", {"op": "set", "key": "huge", "value": "x", "repeat": 2_700_000}
    )
    assert reply.status != 200
    wait_for(lambda: host.plugin.restarts == restarts + 1 and host.plugin_pid != pid, 60)
    host.plugin.wait_ready(60)
    assert not host.storage.exist("huge")
    assert any("token too long" in r.getMessage() for r in caplog.records)
    assert storage(host, op="set", key="small", value="x") == (200, {"result": "ok"})
