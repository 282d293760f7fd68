"""/talk and /unlock through the local host and the real SDK runtime: every fixture replayed end to end."""

from __future__ import annotations

import uuid

import pytest

from tests.support.hooks import ACCESS_CODE, ACCESS_HOOK, DEMO_HOOK, REPLAY_APP_ID, REPLAY_HOOK
from tests.support.host_client import request
from tests.support.sse import answer_text, parse_sse
from tests.support.talk import FIXTURES, assert_allow_listed, chunks_of, upstream_answer

# The replay app has the full input form: its required field must be sent.
INPUTS = {"order_no": "A-1001"}

# fixture -> (events expected in order, ignoring repeats; final error code or None)
EXPECTED = {
    "chat-basic": (["message", "message_end"], None),
    "agent-chat": (["agent_thought", "agent_message", "agent_thought", "message_end"], None),
    "chatflow": (
        ["workflow_started", "node_started", "node_finished", "node_started", "node_finished", "node_started"]
        + ["node_finished", "node_started", "message", "node_finished", "workflow_finished", "message_end"],
        None,
    ),
    "moderated": (["message", "message_replace", "message_end"], None),
    "error-midstream": (["message", "error"], "completion_request_error"),
    "quota-exceeded": (["error"], "provider_quota_exceeded"),
    "stale-conversation": (["error"], "invalid_param"),
    "broken-stream": (["message", "error"], "stream_broken"),
    "unicode": (["message", "message_end"], None),
    "long-answer": (["message", "message_end"], None),
}


def talk(host, body, hook=REPLAY_HOOK, headers=None):
    return request(host.url(hook, "/talk"), "POST", body, headers=headers, timeout=60)


def collapse(events):
    out = []
    for e in events:
        if not out or out[-1] != e:
            out.append(e)
    return out


@pytest.fixture
def clean(host):
    """Checks, after the test, that the plugin raised nothing through the runtime."""
    before = len(host.plugin_errors)
    yield host
    assert host.plugin_errors[before:] == []


def test_every_fixture_has_an_expectation():
    assert set(EXPECTED) == set(FIXTURES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_through_the_sdk(clean, name):
    host = clean
    calls_before = len(host.app_calls)
    reply = talk(host, {"query": f"fixture:{name}", "inputs": INPUTS})
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/event-stream")
    assert reply.headers["Cache-Control"] == "no-cache"
    assert b"Traceback" not in reply.body
    comments, frames = parse_sse([reply.body])
    assert comments == ["stream open"]
    events, code = EXPECTED[name]
    assert collapse([f["event"] for f in frames]) == events
    assert_allow_listed(frames)
    errors = [f for f in frames if f["event"] == "error"]
    assert [e["code"] for e in errors] == ([code] if code else [])
    assert answer_text(frames) == upstream_answer(name)
    if name != "stale-conversation":
        ids = {f["conversation_id"] for f in frames if "conversation_id" in f}
        assert len(ids) == 1 and uuid.UUID(ids.pop())
    calls = host.app_calls[calls_before:]
    assert [(c["app_id"], c["query"], c["conversation_id"], c["inputs"]) for c in calls] == [
        (REPLAY_APP_ID, f"fixture:{name}", None, INPUTS)
    ]


def test_citations_and_progress_through_the_sdk(clean):
    _, frames = parse_sse([talk(clean, {"query": "fixture:chatflow", "inputs": INPUTS}).body])
    titles = [f["data"]["title"] for f in frames if f["event"] == "node_started"]
    assert titles == ["Start", "Knowledge Retrieval", "LLM", "Answer"]
    (cite,) = frames[-1]["metadata"]["retriever_resources"]
    assert cite["document_name"] == "returns-policy.md" and cite["score"] == 0.8731


def test_long_answer_arrives_in_many_reads(clean):
    reply = talk(clean, {"query": "fixture:long-answer", "inputs": INPUTS})
    _, frames = parse_sse([reply.body])
    assert len([f for f in frames if f["event"] == "message"]) == sum(
        c["event"] == "message" for c in chunks_of("long-answer")
    )
    # Streamed, not collected: the body came in more than a handful of reads.
    assert len(reply.chunks) > 10


def test_stale_conversation_restarts_through_the_sdk(clean):
    host = clean
    stale = str(uuid.uuid4())
    before = len(host.app_calls)
    reply = talk(host, {"query": "fixture:chat-basic", "inputs": INPUTS, "conversation_id": stale})
    assert reply.status == 200
    _, frames = parse_sse([reply.body])
    calls = host.app_calls[before:]
    assert [c["conversation_id"] for c in calls] == [stale, None]
    first = frames[0]
    assert first["event"] == "conversation_restarted"
    assert first["previous_conversation_id"] == stale
    assert first["conversation_id"] == frames[-1]["conversation_id"] != stale
    assert answer_text(frames) == upstream_answer("chat-basic")


def test_conversation_continues_with_its_id(clean):
    host = clean
    _, first = parse_sse([talk(host, {"query": "hello", "inputs": INPUTS}).body])
    conversation = first[-1]["conversation_id"]
    before = len(host.app_calls)
    _, second = parse_sse([talk(host, {"query": "again", "inputs": INPUTS, "conversation_id": conversation}).body])
    assert [c["conversation_id"] for c in host.app_calls[before:]] == [conversation]
    assert second[0]["event"] != "conversation_restarted"
    assert second[-1]["conversation_id"] == conversation


def test_demo_bot_streams(clean):
    reply = talk(clean, {"query": "Hello!"}, hook=DEMO_HOOK)
    assert reply.status == 200
    _, frames = parse_sse([reply.body])
    assert frames[-1]["event"] == "message_end"
    assert answer_text(frames)
    assert_allow_listed(frames)


def test_blocking_through_the_sdk(clean):
    reply = talk(clean, {"query": "fixture:chat-basic", "inputs": INPUTS, "response_mode": "blocking"})
    assert reply.status == 200
    body = reply.json()
    assert body["answer"] == upstream_answer("chat-basic")
    assert len(body["metadata"]["retriever_resources"]) == 2


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b"{oops", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'{"query": "hi"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        (b'{"query": "\xff"}', {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'{"query": ""}', {"Content-Type": "application/json"}, 400, "query_required"),
        (b'{"query": "fixture:chat-basic"}', {"Content-Type": "application/json"}, 400, "invalid_inputs"),
        (
            b'{"query": "x" , "pad": "' + b"y" * 70_000 + b'"}',
            {"Content-Type": "application/json"},
            413,
            "payload_too_large",
        ),
    ],
)
def test_bad_requests_through_the_sdk(clean, body, headers, status, code):
    before = len(clean.app_calls)
    reply = talk(clean, body, headers=headers)
    assert reply.status == status
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json()["code"] == code
    assert len(clean.app_calls) == before


def test_access_code_through_the_sdk(clean):
    host = clean
    before = len(host.app_calls)
    refused = talk(host, {"query": "hi"}, hook=ACCESS_HOOK)
    assert refused.status == 401 and refused.json()["code"] == "unauthorized"
    wrong = request(host.url(ACCESS_HOOK, "/unlock"), "POST", {"code": "open"})
    assert wrong.status == 401 and wrong.json()["code"] == "invalid_access_code"
    assert len(host.app_calls) == before
    unlocked = request(host.url(ACCESS_HOOK, "/unlock"), "POST", {"code": ACCESS_CODE})
    assert unlocked.status == 200
    token = unlocked.json()["token"]
    reply = talk(host, {"query": "hi"}, hook=ACCESS_HOOK, headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200
    _, frames = parse_sse([reply.body])
    assert frames[-1]["event"] == "message_end"
    # A token is bound to its endpoint: the same token means nothing elsewhere... and elsewhere needs none.
    other = request(host.url(REPLAY_HOOK, "/unlock"), "POST", {"code": ACCESS_CODE})
    assert other.status == 404 and other.json()["code"] == "access_code_not_set"


def test_logs_reach_the_host_without_visitor_text(clean):
    host = clean
    secret = "fixture:error-midstream"
    talk(host, {"query": secret, "inputs": {"order_no": "SECRET-ORDER-42"}})
    talk(host, {"query": "x" * 10_001})
    lines = [message for _, message in list(host.logs)]
    assert any("talk: completion_request_error" in m for m in lines)
    assert any("talk: refused query_too_long" in m for m in lines)
    assert not any("SECRET-ORDER-42" in m or secret in m or "openai" in m for m in lines)
