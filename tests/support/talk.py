"""Helpers of the in-process /talk tests: shared stream fixtures, a fake chat app, requests, the frame allow-list."""

from __future__ import annotations

import json
from typing import Any

from werkzeug import Request, Response
from werkzeug.test import EnvironBuilder

from localdify.apps.replay import load_parameters
from tests.support.fixtures import PARAMS, STREAMS
from tests.support.sse import answer_text

FIXTURES = sorted(p.stem for p in STREAMS.glob("*.jsonl"))

APP_ID = "3f1c9a4e-2b7d-4c61-9e0a-5d8f7b6a1c2e"
CONVERSATION = "5f0c8d1e-3b7a-4c2e-9a61-0d2f4e6b8c10"
MESSAGE = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
SETTINGS = {"app": {"app_id": APP_ID, "inputs": {}}}

# Every key a frame of each event may carry (docs/talk-api.md, "Frame catalogue").
COMMON = {"event", "conversation_id", "message_id", "created_at"}
ALLOWED = {
    "message": COMMON | {"id", "answer"},
    "agent_message": COMMON | {"id", "answer"},
    "message_replace": COMMON | {"id", "answer"},
    "message_file": COMMON | {"id", "type", "url", "belongs_to"},
    "message_end": COMMON | {"id", "metadata"},
    "agent_thought": COMMON | {"id", "position", "tool", "tool_labels", "thought", "tool_input", "observation"},
    "workflow_started": COMMON | {"workflow_run_id", "data"},
    "workflow_finished": COMMON | {"workflow_run_id", "data"},
    "node_started": COMMON | {"workflow_run_id", "data"},
    "node_finished": COMMON | {"workflow_run_id", "data"},
    "conversation_restarted": {"event", "previous_conversation_id", "conversation_id"},
    "error": {"event", "code", "message", "status", "conversation_id", "message_id"},
}
WORKFLOW_DATA = {"id", "status", "elapsed_time", "created_at", "finished_at"}
NODE_DATA = {"id", "node_id", "node_type", "title", "index", "status", "elapsed_time", "retry_index"}
NODE_DATA |= {"created_at", "finished_at"}
CITATION = {"position", "dataset_name", "document_name", "score", "content", "segment_position"}


def load_steps(name: str) -> list[dict[str, Any]]:
    """The fixture's lines (chunk / fail / pause_ms), blank lines skipped."""
    text = (STREAMS / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def chunks_of(name: str) -> list[dict[str, Any]]:
    return [s["chunk"] for s in load_steps(name) if "chunk" in s]


def load_params(name: str) -> dict[str, Any]:
    """A shared parameters fixture as `fetch_app` returns it: the bare object (the daemon unwraps `data`)."""
    return load_parameters(PARAMS / f"{name}.json")


class FakeApp:
    """Plays `invoke`: each call replays the next fixture (the last one repeats); records every call."""

    def __init__(self, *names: str, steps: list[list[dict[str, Any]]] | None = None) -> None:
        self.scripts = steps if steps is not None else [load_steps(n) for n in names]
        self.calls: list[dict[str, Any]] = []
        self.closed = 0

    def __call__(self, **kwargs: Any):
        self.calls.append(kwargs)
        script = self.scripts[min(len(self.calls), len(self.scripts)) - 1]
        return self._gen(script)

    def _gen(self, script: list[dict[str, Any]]):
        try:
            for step in script:
                if "chunk" in step:
                    yield step["chunk"]
                elif "fail" in step:
                    raise Exception(step["fail"])
        finally:
            self.closed += 1


def make_request(
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
    path: str = "/talk",
) -> Request:
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    builder = EnvironBuilder(path=path, method="POST", data=data, headers=headers or {})
    if content_type is not None:
        builder.content_type = content_type
    else:
        builder.headers.pop("Content-Type", None)
    return Request(builder.get_environ())


def body_chunks(response: Response) -> list[bytes]:
    """Every chunk the SDK would send, in order (consumes a generator body)."""
    return [c if isinstance(c, bytes) else c.encode() for c in response.response]


def upstream_answer(name: str) -> str:
    """The answer the app itself streams in a fixture."""
    return answer_text(chunks_of(name))


def assert_allow_listed(frames: list[dict[str, Any]]) -> None:
    """No frame carries a key outside the documented allow-list."""
    for f in frames:
        event = f["event"]
        assert event in ALLOWED, f"unexpected event {event}"
        assert set(f) <= ALLOWED[event], (event, set(f) - ALLOWED[event])
        if "data" in f:
            allowed = WORKFLOW_DATA if event.startswith("workflow_") else NODE_DATA
            assert set(f["data"]) <= allowed, (event, set(f["data"]) - allowed)
        if event == "message_end":
            assert set(f["metadata"]) <= {"retriever_resources"}
            for cite in f["metadata"].get("retriever_resources", []):
                assert set(cite) <= CITATION
        text = json.dumps(f)
        for word in ("usage", "price", "tokens", "task_id", "inputs", "outputs", "Traceback"):
            assert word not in text, (word, text[:200])
