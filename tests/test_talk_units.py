"""The pieces of /talk: error mapping, the allow-list, SSE encoding, the app-parameters cache, the docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chat_skins import app_params
from chat_skins.errors import (
    CATALOGUE,
    error_for_chunk,
    error_for_code,
    error_for_exception,
    looks_stale,
    parse_failure,
)
from chat_skins.events import SNIPPET_CHARS, Visibility, citations, reduce_event
from chat_skins.sse import frame
from tests.support.clock import Clock
from tests.support.talk import load_params

PREFIX = "invoke app failed: request failed with status code: 400 and respond with: "
STALE = PREFIX + '{"code":"invalid_param","message":"","status":400}'
DOC = Path(__file__).resolve().parents[1] / "docs" / "talk-api.md"
REQUIRED_CODES = {
    "invalid_json", "unsupported_media_type", "payload_too_large", "invalid_param", "query_required",
    "query_too_long", "invalid_conversation_id", "invalid_inputs", "app_not_configured", "unauthorized",
    "provider_not_initialize", "provider_quota_exceeded", "model_currently_not_support",
    "completion_request_error", "internal_server_error", "app_unavailable", "stream_broken", "timeout",
    "empty_answer",
}  # fmt: skip


def test_catalogue_has_every_required_code():
    assert REQUIRED_CODES <= set(CATALOGUE)
    assert all(400 <= status < 600 and message for status, message in CATALOGUE.values())


def test_docs_table_matches_the_catalogue():
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert {code: int(status) for code, status in rows} == {code: s for code, (s, _) in CATALOGUE.items()}


def test_parse_failure_reads_status_and_code():
    failure = parse_failure(Exception(STALE))
    assert (failure.status, failure.code, failure.kind) == (400, "invalid_param", "invoke")
    assert looks_stale(failure, Exception(STALE))


@pytest.mark.parametrize(
    ("text", "started", "code"),
    [
        (STALE, False, "invalid_param"),
        ("invoke app failed: request failed with status code: 404 and respond with: {}", False, "app_unavailable"),
        ("invoke app failed: request failed with status code: 429 and respond with: not json", False, "rate_limited"),
        (
            "invoke app failed: request failed with status code: 502 and respond with: <html>",
            False,
            "internal_server_error",
        ),
        (
            PREFIX + '{"code":"provider_quota_exceeded","status":400}',
            False,
            "provider_quota_exceeded",
        ),
        ("app not found", False, "app_unavailable"),
        ("permission denied", False, "app_unavailable"),
        ("read app failed: request failed: unexpected EOF", True, "stream_broken"),
        ("invocation exited without response after 250 seconds", True, "timeout"),
        ("something odd", False, "internal_server_error"),
        ("something odd", True, "stream_broken"),
    ],
)
def test_error_for_exception(text, started, code):
    assert error_for_exception(Exception(text), started=started).code == code


@pytest.mark.parametrize(
    ("text", "stale"),
    [
        (STALE, True),
        ("Conversation Not Exists.", True),
        ("app not found", False),
        ("invocation exited without response after 250 seconds", False),
        ("invoke app failed: request failed with status code: 500 and respond with: {}", False),
        ("invoke app failed: request failed with status code: 403 and respond with: {}", False),
    ],
)
def test_looks_stale(text, stale):
    assert looks_stale(parse_failure(Exception(text)), Exception(text)) is stale


def _wrapped(message: str) -> str:
    return PREFIX + json.dumps({"code": "invalid_param", "message": message, "status": 400}, separators=(",", ":"))


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("app not found", "app_unavailable"),
        ("unexpected app type", "app_unavailable"),
        ("user not found", "app_unavailable"),
        ("missing query", "query_required"),
        ("", "invalid_param"),
    ],
)
def test_wrapped_invalid_param_is_mapped_by_its_message_first(message, code):
    exc = Exception(_wrapped(message))
    assert error_for_exception(exc, started=False).code == code
    # Only the empty message is Dify refusing a conversation id.
    assert looks_stale(parse_failure(exc), exc) is (message == "")
    assert error_for_chunk({"event": "error", "code": "invalid_param", "status": 400, "message": message}).code == code


@pytest.mark.parametrize(
    ("text", "elapsed", "code"),
    [
        (
            "read app failed: context deadline exceeded (Client.Timeout or context cancellation while reading body)",
            3,
            "answer_cut",
        ),
        ("read app failed: request failed: unexpected EOF", 239.5, "answer_cut"),
        ("read app failed: request failed: unexpected EOF", 30, "stream_broken"),
        ("invocation exited without response after 250 seconds", 250, "timeout"),
    ],
)
def test_the_chat_stream_cut_has_its_own_code(text, elapsed, code):
    assert error_for_exception(Exception(text), started=True, elapsed=elapsed).code == code


def test_a_cancelled_or_cut_call_is_never_retried_as_stale():
    for text in (
        "invocation exited without response after 250 seconds",
        "read app failed: context deadline exceeded",
        "read app failed: conversation stream ended",
    ):
        assert not looks_stale(parse_failure(Exception(text)), Exception(text))


def test_error_for_code_never_passes_unknown_codes():
    assert error_for_code("secret_internal_thing", 418).code == "invalid_param"
    assert error_for_code(None, None).code == "internal_server_error"
    assert error_for_code("too_many_requests", 429).code == "rate_limited"


def test_citations_are_capped_and_allow_listed():
    resources = [
        {
            "position": i,
            "dataset_id": "d",
            "dataset_name": "D" * 500,
            "document_id": "x",
            "document_name": "doc",
            "segment_id": "s",
            "score": float("nan") if i == 1 else 0.5,
            "content": "c" * 5000,
            "hit_count": 3,
        }
        for i in range(30)
    ]
    out = citations({"retriever_resources": resources})
    assert len(out) == 20
    assert set(out[0]) == {"position", "dataset_name", "document_name", "score", "content"}
    assert len(out[0]["content"]) == SNIPPET_CHARS and out[0]["content"].endswith("…")
    assert len(out[0]["dataset_name"]) == 200
    assert out[1]["score"] is None
    assert citations({"retriever_resources": "nope"}) == [] and citations(None) == []


def test_node_data_drops_inputs_outputs_and_errors():
    chunk = {
        "event": "node_finished",
        "workflow_run_id": "wr",
        "task_id": "t",
        "data": {
            "title": "T" * 300,
            "node_type": "llm",
            "status": "failed",
            "error": "secret stack",
            "inputs": {"q": 1},
            "outputs": {"a": 2},
            "process_data": {},
            "execution_metadata": {"total_price": 1},
            "elapsed_time": 1.5,
        },
    }
    (out,) = reduce_event(chunk, Visibility())
    assert out["data"] == {"title": "T" * 199 + "…", "node_type": "llm", "status": "failed", "elapsed_time": 1.5}
    assert "task_id" not in out


def test_progress_hidden():
    assert list(reduce_event({"event": "node_started", "data": {}}, Visibility(progress=False))) == []
    assert list(reduce_event({"event": "agent_thought", "tool": "x"}, Visibility(progress=False))) == []


def test_message_file_keeps_safe_urls_only():
    (good,) = reduce_event(
        {"event": "message_file", "type": "image", "url": "/files/x.png?sign=1", "belongs_to": "assistant"},
        Visibility(),
    )
    assert good["url"] == "/files/x.png?sign=1"
    (bad,) = reduce_event({"event": "message_file", "type": "image", "url": "javascript:alert(1)"}, Visibility())
    assert "url" not in bad


def test_frames_are_one_line_even_with_line_separators():
    data = frame({"event": "message", "answer": "a\nb\rc\u2028d\u2029e\x00"})
    assert data.count(b"\n") == 2 and b"\r" not in data
    assert json.loads(data[6:]) == {"event": "message", "answer": "a\nb\rc\u2028d\u2029e\x00"}


def test_frames_survive_lone_surrogates():
    data = frame({"event": "message", "answer": "half \ud83d"})
    data.decode("utf-8")
    assert json.loads(data[6:])["answer"] == "half \ud83d"


def test_app_params_cache_and_failures():
    app_params.clear_cache()
    calls = []
    # Dify's wrapped shape: the daemon unwraps it, but the plugin still accepts it.
    full = {"data": load_params("full")}

    def fetch(app_id):
        calls.append(app_id)
        if len(calls) == 2:
            raise Exception("boom")
        return full

    clock = Clock()
    first = app_params.get_app_params("a", fetch, clock=clock)
    assert first == full["data"]
    assert app_params.get_app_params("a", fetch, clock=clock) is first
    assert calls == ["a"]
    clock.now += app_params.TTL_SECONDS + 1
    # The refresh fails: the last good answer is still served (stale), and the failure is not cached.
    assert app_params.get_app_params("a", fetch, clock=clock) == full["data"]
    assert calls == ["a", "a"]
    clock.now += app_params.FAILURE_TTL_SECONDS + 1
    assert app_params.get_app_params("a", fetch, clock=clock) == full["data"]
    assert calls == ["a", "a", "a"]
    assert app_params.get_app_params("", fetch) is None and app_params.get_app_params("a", None) is None
    app_params.clear_cache()


@pytest.mark.parametrize("answer", [None, "text", 42, ["x"], {"data": None}])
def test_app_params_odd_answers(answer):
    app_params.clear_cache()
    result = app_params.get_app_params("odd", lambda app_id: answer)
    assert result is None
    app_params.clear_cache()
