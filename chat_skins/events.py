"""The allow-list: which upstream events and fields a visitor's browser may receive."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ANSWER_FRAME_CHARS = 8_000
TITLE_CHARS = 200
NAME_CHARS = 200
SNIPPET_CHARS = 1_000
TOOL_TEXT_CHARS = 4_000
MAX_CITATIONS = 20
MAX_TOOL_LABELS = 20

ANSWER_EVENTS = ("message", "agent_message")
WORKFLOW_EVENTS = ("workflow_started", "workflow_finished")
NODE_EVENTS = (
    "node_started",
    "node_finished",
    "node_retry",
    "iteration_started",
    "iteration_next",
    "iteration_completed",
    "loop_started",
    "loop_next",
    "loop_completed",
)
WORKFLOW_DATA_KEYS = ("id", "status", "elapsed_time", "created_at", "finished_at")
NODE_DATA_KEYS = (
    "id",
    "node_id",
    "node_type",
    "title",
    "index",
    "status",
    "elapsed_time",
    "retry_index",
    "created_at",
    "finished_at",
)
CITATION_KEYS = ("position", "dataset_name", "document_name", "score", "content", "segment_position")
# Keys every forwarded frame may carry, when Dify sent them.
COMMON_KEYS = ("conversation_id", "message_id", "created_at")


@dataclass(frozen=True)
class Visibility:
    """What the endpoint's settings let visitors see."""

    sources: bool = True
    progress: bool = True
    tool_details: bool = False


def _short(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _scalar(value: Any) -> Any:
    """A string (capped), finite number, boolean or None; anything else becomes None."""
    if isinstance(value, str):
        return _short(value, TITLE_CHARS)
    if isinstance(value, bool) or value is None:
        return value
    return _number(value)


def _common(chunk: Mapping[str, Any], event: str) -> dict[str, Any]:
    out: dict[str, Any] = {"event": event}
    for key in COMMON_KEYS:
        value = chunk.get(key)
        if isinstance(value, str) and len(value) <= 100:
            out[key] = value
        elif key == "created_at" and _number(value) is not None:
            out[key] = value
    return out


def _id(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= 100 else None


def split_answer(text: str, size: int = ANSWER_FRAME_CHARS) -> list[str]:
    """Pieces of at most `size` characters (code points), in order."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def citations(metadata: Any) -> list[dict[str, Any]]:
    """Allow-listed citations out of `message_end.metadata`."""
    resources = metadata.get("retriever_resources") if isinstance(metadata, Mapping) else None
    if not isinstance(resources, list):
        return []
    out = []
    for item in resources[:MAX_CITATIONS]:
        if not isinstance(item, Mapping):
            continue
        cite: dict[str, Any] = {
            "position": _number(item.get("position")),
            "dataset_name": _short(item.get("dataset_name"), NAME_CHARS),
            "document_name": _short(item.get("document_name"), NAME_CHARS),
            "score": _number(item.get("score")),
            "content": _short(item.get("content"), SNIPPET_CHARS),
        }
        if _number(item.get("segment_position")) is not None:
            cite["segment_position"] = item["segment_position"]
        out.append(cite)
    return out


def _data(value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    data = value if isinstance(value, Mapping) else {}
    return {k: _scalar(data[k]) for k in keys if k in data}


def _tool_labels(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, dict[str, str]] = {}
    for tool, labels in list(value.items())[:MAX_TOOL_LABELS]:
        if isinstance(tool, str) and isinstance(labels, Mapping):
            out[tool[:NAME_CHARS]] = {
                str(lang)[:16]: _short(text, NAME_CHARS)
                for lang, text in list(labels.items())[:16]
                if isinstance(text, str)
            }
    return out


def file_url(value: Any) -> str | None:
    """A `message_file` URL a page may use: https, or a path under Dify's own /files/; else None."""
    if not isinstance(value, str) or len(value) > 4_000:
        return None
    # Backslashes and control characters are read as "/" or dropped by browsers: no such URL is honest.
    if "\\" in value or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value):
        return None
    if value.startswith("https://") and len(value) > len("https://"):
        return value
    path = value.split("?", 1)[0].split("#", 1)[0].lower()
    if value.startswith("/files/") and "/." not in path and "%2e" not in path and "%2f" not in path:
        return value
    return None


def reduce_event(chunk: Any, vis: Visibility) -> Iterator[dict[str, Any]]:
    """The frames a visitor may see for one upstream chunk: none, one, or several (split answers)."""
    if not isinstance(chunk, Mapping):
        return
    event = chunk.get("event")
    if event in ANSWER_EVENTS or event == "message_replace":
        answer = chunk.get("answer")
        if not isinstance(answer, str) or (not answer and event != "message_replace"):
            return
        base = _common(chunk, event)
        if (msg_id := _id(chunk.get("id"))) is not None:
            base["id"] = msg_id
        for i, piece in enumerate(split_answer(answer)):
            # A long replacement continues as ordinary deltas after its first piece.
            name = event if i == 0 or event != "message_replace" else "message"
            yield {**base, "event": name, "answer": piece}
    elif event == "message_end":
        out = _common(chunk, event)
        if (msg_id := _id(chunk.get("id"))) is not None:
            out["id"] = msg_id
        out["metadata"] = {"retriever_resources": citations(chunk.get("metadata"))} if vis.sources else {}
        yield out
    elif event == "message_file":
        out = _common(chunk, event)
        for key in ("id", "type", "belongs_to"):
            if isinstance(chunk.get(key), str):
                out[key] = chunk[key][:NAME_CHARS]
        if (url := file_url(chunk.get("url"))) is not None:
            out["url"] = url
        yield out
    elif not vis.progress:
        return
    elif event == "agent_thought":
        out = _common(chunk, event)
        out["id"] = _id(chunk.get("id"))
        out["position"] = _number(chunk.get("position"))
        out["tool"] = _short(chunk.get("tool"), NAME_CHARS) or ""
        out["tool_labels"] = _tool_labels(chunk.get("tool_labels"))
        out["thought"] = _short(chunk.get("thought"), TOOL_TEXT_CHARS) or ""
        if vis.tool_details:
            out["tool_input"] = _short(chunk.get("tool_input"), TOOL_TEXT_CHARS) or ""
            out["observation"] = _short(chunk.get("observation"), TOOL_TEXT_CHARS) or ""
        yield out
    elif event in WORKFLOW_EVENTS or event in NODE_EVENTS:
        out = _common(chunk, event)
        if (run_id := _id(chunk.get("workflow_run_id"))) is not None:
            out["workflow_run_id"] = run_id
        out["data"] = _data(chunk.get("data"), WORKFLOW_DATA_KEYS if event in WORKFLOW_EVENTS else NODE_DATA_KEYS)
        yield out
    # Anything else (agent_log, text_chunk, tts_*, future events) is not for visitors.
