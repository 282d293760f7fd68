"""POST /talk: validate, call the chat app, stream its events back (first version)."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping
from typing import Any

from werkzeug import Request, Response

from chat_skins.settings import parse_settings
from chat_skins.sse import OPENING, frame


def _error(status: int, code: str, message: str) -> Response:
    body = json.dumps({"code": code, "message": message, "status": status})
    return Response(body, status=status, content_type="application/json")


def handle_talk(r: Request, raw_settings: Mapping, invoke: Callable[..., Any], fetch_app: Callable | None = None) -> Response:
    settings = parse_settings(raw_settings)
    if not settings.app_id:
        return _error(503, "app_not_configured", "No chat app is selected for this page.")
    try:
        body = json.loads(r.get_data(cache=False) or b"null")
    except ValueError:
        return _error(400, "invalid_json", "The request body is not valid JSON.")
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str) or not query.strip():
        return _error(400, "invalid_param", "query is required.")
    conversation_id = body.get("conversation_id") or None

    def stream() -> Generator[bytes, None, None]:
        yield OPENING
        try:
            for chunk in invoke(
                app_id=settings.app_id,
                query=query.strip(),
                inputs=dict(settings.app_inputs),
                response_mode="streaming",
                conversation_id=conversation_id,
            ):
                if chunk.get("event") in ("message", "agent_message", "message_replace", "message_end", "error"):
                    yield frame(
                        {
                            k: chunk.get(k)
                            for k in ("event", "answer", "conversation_id", "message_id", "code", "message")
                            if k in chunk
                        }
                    )
        except Exception:
            yield frame({"event": "error", "code": "upstream_failed", "message": "The bot could not answer."})

    return Response(stream(), status=200, content_type="text/event-stream", headers={"Cache-Control": "no-cache"})
