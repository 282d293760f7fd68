"""The demo bot's streams, checked without a plugin process."""

from __future__ import annotations

import pytest

from localdify.apps import STALE_CONVERSATION, BackendFailure
from localdify.apps.demo import COMMANDS
from localdify.chat import ChatService
from tests.support.fixtures import REPO_ROOT


@pytest.fixture
def chat() -> ChatService:
    return ChatService({"demo": {"backend": "demo", "speed": 0}}, REPO_ROOT)


def run(chat: ChatService, query: str, conversation_id: str | None = None):
    turn = chat.begin("demo", query, {}, conversation_id, None)
    return turn, list(chat.steps(turn))


def chunks(steps):
    return [v for k, v in steps if k == "chunk"]


def test_default_answer_has_markdown_and_citations(chat):
    turn, steps = run(chat, "Tell me about fog")
    events = chunks(steps)
    text = "".join(e.get("answer", "") for e in events)
    for piece in ("### ", "1. ", "- ", "| Hour |", "```python", "[the Dify docs]("):
        assert piece in text
    assert 1 <= len(events[-1]["metadata"]["retriever_resources"]) <= 2
    assert all(e["conversation_id"] == turn.conversation_id and e["message_id"] == turn.message_id for e in events)


def test_every_command_is_documented_and_runs(chat):
    for command in COMMANDS:
        if command == "/slow":
            continue  # same shape as a normal answer, only slower
        _, steps = run(chat, command)
        assert steps, command


def test_long_answer_has_thousands_of_deltas(chat):
    _, steps = run(chat, "/long")
    deltas = [e for e in chunks(steps) if e["event"] == "message"]
    assert len(deltas) > 3000
    assert sum(len(e["answer"]) for e in deltas) > 15000


def test_human_pace_by_default():
    chat = ChatService({"demo": {"backend": "demo"}}, REPO_ROOT)
    turn = chat.begin("demo", "hello there", {}, None, None)
    pauses = [v for k, v in chat.steps(turn) if k == "pause"]
    assert 3 < sum(pauses) < 60
    fast = ChatService({"demo": {"backend": "demo", "speed": 10}}, REPO_ROOT)
    turn = fast.begin("demo", "hello there", {}, None, None)
    assert sum(v for k, v in fast.steps(turn) if k == "pause") == pytest.approx(sum(pauses) / 10)


def test_stale_in_a_conversation_forgets_it(chat):
    turn, _ = run(chat, "hello")
    _, steps = run(chat, "/stale", turn.conversation_id)
    assert steps[-1] == ("fail", STALE_CONVERSATION)
    with pytest.raises(BackendFailure, match="invalid_param"):
        chat.begin("demo", "hi", {}, turn.conversation_id, None)


def test_blocking_collapses_the_stream(chat):
    turn = chat.begin("demo", "/moderated", {}, None, None)
    answer = chat.blocking(turn)
    assert answer["answer"].startswith("Sorry, I can't share that.")
    assert answer["event"] == "message" and answer["conversation_id"] == turn.conversation_id


@pytest.mark.parametrize("payload", ["<kbd> <table background=/x q=<>\n\n> quote  ", ">" * 2500 + " x"])
def test_echo_answers_the_rest_verbatim(chat, payload):
    _, steps = run(chat, "/echo " + payload)
    assert "".join(e["answer"] for e in chunks(steps) if e["event"] == "message") == payload
