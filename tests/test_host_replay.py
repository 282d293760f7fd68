"""The replay backend plays the shared fixtures through the real `app` backwards call."""

from __future__ import annotations

from localdify.apps import STALE_CONVERSATION
from tests.support.hooks import PROBE_HOOK, REPLAY_APP_ID
from tests.support.host_client import request
from tests.support.talk import chunks_of as fixture_chunks


def talk(host, query, **body):
    reply = request(
        host.url(PROBE_HOOK, "/passthrough"), method="POST", body={"app_id": REPLAY_APP_ID, "query": query, **body}
    )
    assert reply.status == 200
    return reply.sse()


def test_replay_plays_the_fixture_with_fresh_ids(probe_host):
    events = talk(probe_host, "anything")
    expected = fixture_chunks("chat-basic")
    assert [e["event"] for e in events] == [c["event"] for c in expected]
    assert "".join(e.get("answer", "") for e in events) == "".join(c.get("answer", "") for c in expected)
    assert events[-1]["metadata"] == expected[-1]["metadata"]
    ids = {(e["conversation_id"], e["message_id"], e["task_id"]) for e in events}
    assert len(ids) == 1
    conversation_id, message_id, _ = ids.pop()
    assert conversation_id != expected[0]["conversation_id"]
    assert message_id != expected[0]["message_id"]
    assert all(e["id"] == message_id for e in events if "id" in e)


def test_replay_keeps_a_conversation_across_turns(probe_host):
    first = talk(probe_host, "one")
    second = talk(probe_host, "two", conversation_id=first[0]["conversation_id"])
    assert second[0]["conversation_id"] == first[0]["conversation_id"]
    assert second[0]["message_id"] != first[0]["message_id"]
    other = talk(probe_host, "three")
    assert other[0]["conversation_id"] != first[0]["conversation_id"]


def test_query_picks_another_fixture(probe_host):
    events = talk(probe_host, "fixture:agent-chat")
    assert [e["event"] for e in events] == [c["event"] for c in fixture_chunks("agent-chat")]


def test_fail_first_line_is_a_failure_before_streaming(probe_host):
    assert talk(probe_host, "fixture:stale-conversation") == [
        {"_sse_event": "exception", "message": STALE_CONVERSATION}
    ]


def test_fail_after_chunks_raises_mid_stream(probe_host):
    events = talk(probe_host, "fixture:broken-stream")
    assert events[0]["event"] == "message"
    assert events[-1] == {"_sse_event": "exception", "message": "read app failed: request failed: unexpected EOF"}


def test_missing_fixture_fails_cleanly(probe_host):
    events = talk(probe_host, "fixture:no-such-fixture")
    assert events == [
        {"_sse_event": "exception", "message": "invoke app failed: replay fixture not found: no-such-fixture"}
    ]


def test_stale_conversation_on_replay_backend(probe_host):
    events = talk(probe_host, "hi", conversation_id="5f0c8d1e-3b7a-4c2e-9a61-0d2f4e6b8c10")
    assert events == [{"_sse_event": "exception", "message": STALE_CONVERSATION}]
