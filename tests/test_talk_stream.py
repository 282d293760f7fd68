"""/talk in-process: every upstream fixture replayed through handle_talk, asserting the frames a client gets."""

from __future__ import annotations

import json

import pytest

from chat_skins.sse import OPENING
from chat_skins.talk import handle_talk
from tests.support.sse import answer_text, parse_sse
from tests.support.talk import (
    APP_ID,
    CONVERSATION,
    FIXTURES,
    MESSAGE,
    SETTINGS,
    FakeApp,
    assert_allow_listed,
    body_chunks,
    chunks_of,
    make_request,
    upstream_answer,
)
from tests.support.waiting import wait_for

EXPECTED_FIXTURES = {
    "agent-chat",
    "broken-stream",
    "chat-basic",
    "chatflow",
    "error-midstream",
    "long-answer",
    "moderated",
    "quota-exceeded",
    "stale-conversation",
    "unicode",
}


def talk(app: FakeApp, body: dict | None = None, settings: dict | None = None):
    response = handle_talk(make_request(body or {"query": "hello"}), settings or SETTINGS, invoke=app)
    assert response.status_code == 200
    chunks = body_chunks(response)
    comments, frames = parse_sse(chunks)
    return response, chunks, comments, frames


def test_every_fixture_is_covered():
    assert set(FIXTURES) == EXPECTED_FIXTURES


@pytest.mark.parametrize("name", sorted(EXPECTED_FIXTURES))
def test_every_fixture_streams_cleanly(name):
    app = FakeApp(name)
    response, chunks, comments, frames = talk(app)
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert chunks[0] == OPENING
    assert comments == ["stream open"]
    # Frames are coalesced into chunks, but every chunk holds whole frames only.
    assert len(chunks) <= 1 + len(frames)
    assert all(c.endswith(b"\n\n") and parse_sse([c]) for c in chunks)
    assert all(len(c) < 64 * 1024 for c in chunks)
    assert frames, "something must follow the opening comment"
    assert frames[-1]["event"] in ("message_end", "error")
    assert sum(f["event"] == "error" for f in frames) <= 1
    assert_allow_listed(frames)
    assert app.closed == len(app.calls)


def test_chat_basic_answer_ids_and_citations():
    _, _, _, frames = talk(FakeApp("chat-basic"))
    assert answer_text(frames) == upstream_answer("chat-basic")
    assert "| " in answer_text(frames) and "```" in answer_text(frames)
    deltas = [f for f in frames if f["event"] == "message"]
    assert len(deltas) == sum(c["event"] == "message" for c in chunks_of("chat-basic"))
    assert all(f["conversation_id"] == CONVERSATION and f["message_id"] == MESSAGE for f in frames)
    end = frames[-1]
    assert end["event"] == "message_end"
    assert end["id"] == MESSAGE
    assert end["metadata"]["retriever_resources"] == [
        {
            "position": 1,
            "dataset_name": "Product handbook",
            "document_name": "returns-policy.md",
            "score": 0.8731,
            "content": "Items can be returned within 30 days of delivery when unused and in original packaging.",
        },
        {
            "position": 2,
            "dataset_name": "Product handbook",
            "document_name": "shipping-faq.pdf",
            "score": 0.7412,
            "content": "Refunds are issued to the original payment method within 5 business days.",
        },
    ]


def test_citations_hidden_without_show_sources():
    _, _, _, frames = talk(FakeApp("chat-basic"), settings={**SETTINGS, "show_sources": False})
    assert frames[-1] == {
        "event": "message_end",
        "conversation_id": CONVERSATION,
        "message_id": MESSAGE,
        "created_at": 1763700000,
        "id": MESSAGE,
        "metadata": {},
    }


def test_agent_progress_without_tool_details():
    _, _, _, frames = talk(FakeApp("agent-chat"))
    assert answer_text(frames) == upstream_answer("agent-chat")
    assert {f["event"] for f in frames} == {"agent_thought", "agent_message", "message_end"}
    thoughts = [f for f in frames if f["event"] == "agent_thought"]
    assert [t["tool"] for t in thoughts][:2] == ["current_time", "current_time"]
    assert thoughts[0]["tool_labels"] == {"current_time": {"en_US": "Current Time", "zh_Hans": "当前时间"}}
    assert all("tool_input" not in t and "observation" not in t for t in thoughts)


def test_agent_tool_details_when_allowed():
    _, _, _, frames = talk(FakeApp("agent-chat"), settings={**SETTINGS, "show_tool_details": True})
    thought = [f for f in frames if f["event"] == "agent_thought"][1]
    assert thought["tool_input"] == '{"current_time": {"timezone": "Asia/Tokyo"}}'
    assert thought["observation"] == '{"current_time": "2026-11-21 18:04:11 JST"}'


def test_chatflow_progress_is_reduced_to_titles_and_status():
    _, _, _, frames = talk(FakeApp("chatflow"))
    assert answer_text(frames) == "Refunds are issued within **5 business days** to your original payment method."
    started = [f["data"]["title"] for f in frames if f["event"] == "node_started"]
    assert started == ["Start", "Knowledge Retrieval", "LLM", "Answer"]
    finished = [f["data"] for f in frames if f["event"] == "node_finished"]
    assert finished[1] == {
        "id": "ne-2",
        "node_id": "n-kr",
        "node_type": "knowledge-retrieval",
        "title": "Knowledge Retrieval",
        "index": 2,
        "status": "succeeded",
        "elapsed_time": 0.24,
        "created_at": 1763700000,
        "finished_at": 1763700001,
    }
    wf = [f for f in frames if f["event"].startswith("workflow_")]
    assert [f["event"] for f in wf] == ["workflow_started", "workflow_finished"]
    assert wf[1]["data"]["status"] == "succeeded" and wf[1]["workflow_run_id"] == "wr-77"
    assert len(frames[-1]["metadata"]["retriever_resources"]) == 1


def test_chatflow_without_progress():
    _, _, _, frames = talk(FakeApp("chatflow"), settings={**SETTINGS, "show_progress": False})
    assert {f["event"] for f in frames} == {"message", "message_end"}


def test_moderated_answer_is_replaced():
    _, _, _, frames = talk(FakeApp("moderated"))
    assert [f["event"] for f in frames][-2:] == ["message_replace", "message_end"]
    assert answer_text(frames) == "Sorry, I can't help with that request."
    assert "reason" not in frames[-2]


def test_error_midstream_ends_in_one_safe_error():
    _, _, _, frames = talk(FakeApp("error-midstream"))
    assert answer_text(frames) == upstream_answer("error-midstream")
    assert frames[-1] == {
        "event": "error",
        "code": "completion_request_error",
        "message": "The model could not answer. Please try again.",
        "status": 400,
        "conversation_id": CONVERSATION,
        "message_id": MESSAGE,
    }
    assert "openai" not in json.dumps(frames)


def test_quota_exceeded_first():
    _, _, _, frames = talk(FakeApp("quota-exceeded"))
    assert [f["event"] for f in frames] == ["error"]
    assert frames[0]["code"] == "provider_quota_exceeded"
    assert frames[0]["status"] == 400
    assert "Model Provider" not in frames[0]["message"]


def test_broken_stream():
    _, _, _, frames = talk(FakeApp("broken-stream"))
    assert answer_text(frames) == upstream_answer("broken-stream")
    assert frames[-1]["code"] == "stream_broken"
    assert frames[-1]["status"] == 502
    assert "EOF" not in json.dumps(frames)


def test_stale_conversation_restarts_once():
    app = FakeApp("stale-conversation", "chat-basic")
    stale = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"
    _, _, _, frames = talk(app, {"query": "hello again", "conversation_id": stale})
    assert [c["conversation_id"] for c in app.calls] == [stale, None]
    assert app.calls[1]["query"] == "hello again"
    assert frames[0] == {
        "event": "conversation_restarted",
        "previous_conversation_id": stale,
        "conversation_id": CONVERSATION,
    }
    assert answer_text(frames) == upstream_answer("chat-basic")
    assert frames[-1]["event"] == "message_end"


def test_stale_conversation_retry_failing_too_gives_only_an_error():
    app = FakeApp("stale-conversation")
    stale = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"
    _, _, _, frames = talk(app, {"query": "hi", "conversation_id": stale})
    assert len(app.calls) == 2
    assert frames == [{"event": "error", "code": "invalid_param", "message": frames[0]["message"], "status": 400}]


def test_refusal_without_conversation_is_not_retried():
    app = FakeApp("stale-conversation")
    _, _, _, frames = talk(app)
    assert len(app.calls) == 1
    assert [f["code"] for f in frames] == ["invalid_param"]


def test_an_error_chunk_is_a_failed_run_never_a_stale_conversation():
    # Dify resolves a conversation before streaming: an `error` chunk is the run failing, so one call only.
    refused = {"chunk": {"event": "error", "code": "invalid_param", "status": 400, "message": ""}}
    app = FakeApp(steps=[[refused], [{"chunk": c} for c in chunks_of("chat-basic")]])
    old = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"
    _, _, _, frames = talk(app, {"query": "hi", "conversation_id": old})
    assert [c["conversation_id"] for c in app.calls] == [old]
    assert [f["event"] for f in frames] == ["error"]
    assert frames[0]["code"] == "invalid_param"


def test_an_error_chunk_mid_stream_makes_exactly_one_call():
    app = FakeApp("error-midstream", "chat-basic")
    _, _, _, frames = talk(app, {"query": "hi", "conversation_id": CONVERSATION})
    assert len(app.calls) == 1
    assert frames[-1]["event"] == "error"
    assert not any(f["event"] == "conversation_restarted" for f in frames)


def test_quota_error_with_conversation_is_not_retried():
    app = FakeApp("quota-exceeded")
    _, _, _, frames = talk(app, {"query": "hi", "conversation_id": CONVERSATION})
    assert len(app.calls) == 1
    assert frames[0]["code"] == "provider_quota_exceeded"


def test_app_not_found_is_not_retried():
    app = FakeApp(steps=[[{"fail": "app not found"}]])
    _, _, _, frames = talk(app, {"query": "hi", "conversation_id": CONVERSATION})
    assert len(app.calls) == 1
    assert frames == [{"event": "error", **_err("app_unavailable")}]


def test_unicode_survives_byte_for_byte():
    _, chunks, _, frames = talk(FakeApp("unicode"))
    assert answer_text(frames) == upstream_answer("unicode")
    for chunk in chunks:
        chunk.decode("utf-8")


def test_long_answer_one_frame_per_delta():
    _, chunks, _, frames = talk(FakeApp("long-answer"))
    deltas = [c for c in chunks_of("long-answer") if c["event"] == "message"]
    assert len([f for f in frames if f["event"] == "message"]) == len(deltas)
    assert len(answer_text(frames)) > 45_000 and len(deltas) > 6_000
    assert answer_text(frames) == upstream_answer("long-answer")


def test_huge_delta_is_split_into_small_frames():
    big = "€" * 3_000_000
    script = [
        {"chunk": {"event": "message", "conversation_id": CONVERSATION, "message_id": MESSAGE, "answer": big}},
        {"chunk": {"event": "message_replace", "conversation_id": CONVERSATION, "answer": big + "!"}},
        {"chunk": {"event": "message_end", "conversation_id": CONVERSATION, "message_id": MESSAGE, "metadata": {}}},
    ]
    _, chunks, _, frames = talk(FakeApp(steps=[script]))
    assert max(len(c) for c in chunks) < 64 * 1024
    assert answer_text(frames) == big + "!"
    kinds = [f["event"] for f in frames]
    assert kinds.count("message_replace") == 1


def test_unknown_and_hidden_events_are_skipped():
    script = [
        {"chunk": {"event": "ping"}},
        {"chunk": {"event": "tts_message", "audio": "AAAA" * 1000}},
        {"chunk": {"event": "agent_log", "data": {"secret": "x"}}},
        {"chunk": {"event": "brand_new_event_2027", "data": {"x": 1}}},
        {"chunk": "not a dict"},
        {"chunk": {"event": "message", "answer": "ok", "conversation_id": CONVERSATION}},
        {
            "chunk": {
                "event": "message_end",
                "conversation_id": CONVERSATION,
                "metadata": {"usage": {"total_price": "1"}},
            }
        },
    ]
    _, _, _, frames = talk(FakeApp(steps=[script]))
    assert [f["event"] for f in frames] == ["message", "message_end"]
    assert_allow_listed(frames)


def test_message_end_without_answer_is_empty_answer():
    script = [{"chunk": {"event": "message_end", "conversation_id": CONVERSATION, "message_id": MESSAGE}}]
    _, _, _, frames = talk(FakeApp(steps=[script]))
    assert [f["event"] for f in frames] == ["message_end", "error"]
    assert frames[-1]["code"] == "empty_answer"


def test_nothing_at_all_is_empty_answer():
    _, _, _, frames = talk(FakeApp(steps=[[]]))
    assert frames == [{"event": "error", **_err("empty_answer")}]


def test_timeout_is_reported():
    app = FakeApp(steps=[[{"fail": "invocation exited without response after 250 seconds"}]])
    _, _, _, frames = talk(app)
    assert frames[0]["code"] == "timeout" and frames[0]["status"] == 504


def test_invoke_raising_synchronously_is_caught():
    def invoke(**kwargs):
        raise RuntimeError("current tool runtime does not support backwards invoke")

    _, _, _, frames = talk(invoke)
    assert frames == [{"event": "error", **_err("internal_server_error")}]


def test_base_exception_inside_stream_becomes_one_error():
    class Timeout(BaseException):
        pass

    def invoke(**kwargs):
        yield {"event": "message", "answer": "Hi", "conversation_id": CONVERSATION}
        raise Timeout()

    _, _, _, frames = talk(invoke)
    assert frames[-1] == {"event": "error", **_err("timeout"), "conversation_id": CONVERSATION}
    assert answer_text(frames) == "Hi"


def test_closing_the_stream_closes_upstream_and_yields_nothing_more():
    app = FakeApp("long-answer")
    response = handle_talk(make_request({"query": "x"}), SETTINGS, invoke=app)
    body = response.response
    assert next(body) == OPENING
    next(body)
    body.close()
    # The reader closes the upstream after the frame it is handling.
    wait_for(lambda: app.closed >= 1, 10, interval=0.01)
    assert app.closed == 1
    with pytest.raises(StopIteration):
        next(body)


def test_first_byte_comes_before_the_app_is_called():
    app = FakeApp("chat-basic")
    response = handle_talk(make_request({"query": "x"}), SETTINGS, invoke=app)
    assert next(response.response) == OPENING
    assert app.calls == []


def test_the_call_carries_query_inputs_and_no_user():
    app = FakeApp("chat-basic")
    settings = {"app": {"app_id": APP_ID, "inputs": {"tone": "formal"}}}
    talk(app, {"query": "  Where is my parcel?  ", "inputs": {"name": "Ann"}, "user": "evil"}, settings)
    assert app.calls == [
        {
            "app_id": APP_ID,
            "query": "Where is my parcel?",
            "inputs": {"name": "Ann", "tone": "formal"},
            "response_mode": "streaming",
            "conversation_id": None,
        }
    ]


def test_blocking_mode_collects_the_answer():
    response = handle_talk(
        make_request({"query": "x", "response_mode": "blocking"}), SETTINGS, invoke=FakeApp("chatflow")
    )
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data())
    assert body["answer"] == upstream_answer("chatflow")
    assert body["conversation_id"] == CONVERSATION and body["message_id"] == MESSAGE
    assert body["metadata"]["retriever_resources"][0]["document_name"] == "returns-policy.md"
    assert set(body) == {"event", "answer", "conversation_id", "message_id", "created_at", "metadata"}


def test_blocking_mode_moderation_and_restart():
    old = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"
    app = FakeApp("stale-conversation", "moderated")
    response = handle_talk(
        make_request({"query": "x", "response_mode": "blocking", "conversation_id": old}), SETTINGS, invoke=app
    )
    body = json.loads(response.get_data())
    assert response.status_code == 200
    assert body["answer"] == "Sorry, I can't help with that request."
    assert body["conversation_restarted"] is True and body["previous_conversation_id"] == old


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("quota-exceeded", 400, "provider_quota_exceeded"), ("broken-stream", 502, "stream_broken")],
)
def test_blocking_mode_errors(name, status, code):
    response = handle_talk(make_request({"query": "x", "response_mode": "blocking"}), SETTINGS, invoke=FakeApp(name))
    assert response.status_code == status
    assert json.loads(response.get_data())["code"] == code


def _err(code: str) -> dict:
    from chat_skins.errors import TalkError

    return TalkError.of(code).body()
