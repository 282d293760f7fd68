"""What every chat-app backend shares: turns, steps, Dify's failure texts and event shapes."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Exactly what the SDK raises when Dify refuses a conversation id (deleted, or another user's).
STALE_CONVERSATION = (
    "invoke app failed: request failed with status code: 400 and respond with: "
    '{"code":"invalid_param","message":"","status":400}'
)


def wrapped_invalid_param(message: str) -> str:
    """How Dify refuses a call for a named reason (app not found, unexpected app type, user not found...)."""
    body = json.dumps({"code": "invalid_param", "message": message, "status": 400}, separators=(",", ":"))
    return http_failure(400, body)


def http_failure(status: int, body: str) -> str:
    """Dify's text for a chat call refused before streaming."""
    return f"invoke app failed: request failed with status code: {status} and respond with: {body}"


@dataclass
class Turn:
    """One chat call, with the ids the host chose for it."""

    app_id: str
    query: str
    inputs: dict[str, Any]
    conversation_id: str | None
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    task_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    user: str | None = None
    number: int = 1  # 1 for the first turn of a conversation
    created_at: int = field(default_factory=lambda: int(time.time()))


# A backend yields steps: ("chunk", dict) streams one event, ("pause", seconds) waits,
# ("fail", text) makes the SDK raise Exception(text) (before the first chunk: a failure before streaming).
Step = tuple[str, Any]


class Backend:
    """A chat app. `assigns_ids` is False when the upstream (real Dify) chooses conversation ids."""

    assigns_ids = True

    def parameters(self) -> dict[str, Any]:
        """What fetch_app returns: the bare parameters object (the daemon unwraps Dify's {"data": ...})."""
        raise NotImplementedError

    def stream(self, turn: Turn) -> Iterator[Step]:
        raise NotImplementedError

    def blocking(self, turn: Turn) -> dict[str, Any] | None:
        """A backend with a native blocking call returns its answer; None means: collapse the stream."""
        return None


def event(turn: Turn, name: str, **fields: Any) -> dict[str, Any]:
    """A chunk as Dify's Service API streams it for a chat app."""
    chunk: dict[str, Any] = {
        "event": name,
        "task_id": turn.task_id,
        "message_id": turn.message_id,
        "conversation_id": turn.conversation_id,
        "created_at": turn.created_at,
    }
    if name in ("message", "agent_message", "message_end", "agent_thought", "message_file"):
        chunk["id"] = turn.message_id
    chunk.update(fields)
    return chunk


def error_event(turn: Turn, code: str, message: str, status: int = 400) -> dict[str, Any]:
    return event(turn, "error", status=status, code=code, message=message)


def usage(prompt_tokens: int, completion_tokens: int, latency: float) -> dict[str, Any]:
    """Token usage in Dify's shape (prices included, as Dify sends them)."""
    prompt_price = prompt_tokens * 0.15 / 1_000_000
    completion_price = completion_tokens * 0.6 / 1_000_000
    return {
        "prompt_tokens": prompt_tokens,
        "prompt_unit_price": "0.15",
        "prompt_price_unit": "0.000001",
        "prompt_price": f"{prompt_price:.7f}",
        "completion_tokens": completion_tokens,
        "completion_unit_price": "0.6",
        "completion_price_unit": "0.000001",
        "completion_price": f"{completion_price:.7f}",
        "total_tokens": prompt_tokens + completion_tokens,
        "total_price": f"{prompt_price + completion_price:.7f}",
        "currency": "USD",
        "latency": round(latency, 3),
    }


def collapse(turn: Turn, steps: Iterator[Step], mode: str = "chat") -> dict[str, Any]:
    """Dify's blocking answer: the final message object built from a stream (errors become a 400)."""
    answer = ""
    metadata: dict[str, Any] = {}
    conversation_id, message_id = turn.conversation_id, turn.message_id
    for kind, value in steps:
        if kind == "fail":
            raise BackendFailure(value)
        if kind != "chunk":
            continue
        name = value.get("event")
        conversation_id = value.get("conversation_id") or conversation_id
        message_id = value.get("message_id") or message_id
        if name in ("message", "agent_message"):
            answer += value.get("answer") or ""
        elif name == "message_replace":
            answer = value.get("answer") or ""
        elif name == "message_end":
            metadata = value.get("metadata") or {}
        elif name == "error":
            body = {"code": value.get("code"), "message": value.get("message"), "status": value.get("status", 400)}
            raise BackendFailure(http_failure(int(value.get("status") or 400), json.dumps(body, separators=(",", ":"))))
    return {
        "event": "message",
        "task_id": turn.task_id,
        "id": message_id,
        "message_id": message_id,
        "conversation_id": conversation_id,
        "mode": mode,
        "answer": answer,
        "metadata": metadata,
        "created_at": turn.created_at,
    }


class BackendFailure(Exception):
    """Raised inside the host; reaches the plugin as the backwards call's error text."""
