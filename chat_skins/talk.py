"""POST /talk: validate, call the chat app, relay its events through the allow-list as SSE."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug import Request, Response

from chat_skins import daily_limit
from chat_skins.access import check_gate
from chat_skins.app_params import get_app_params
from chat_skins.coalesce import close_quietly, coalesce
from chat_skins.errors import (
    TalkError,
    error_for_chunk,
    error_for_exception,
    error_response,
    json_response,
    looks_stale,
    parse_failure,
)
from chat_skins.events import Visibility, reduce_event
from chat_skins.same_origin import refuse_foreign_site
from chat_skins.settings import Settings, parse_settings
from chat_skins.sse import CONTENT_TYPE, HEADERS, OPENING, frame
from chat_skins.talk_request import MAX_BODY_BYTES, TalkRequest, merge_inputs, parse_talk_body, read_json_body

logger = logging.getLogger(__name__)

# A blocking answer is one body; keep it well below the daemon's per-line limit.
MAX_BLOCKING_ANSWER_CHARS = 300_000

Invoke = Callable[..., Any]
_END = object()
ANSWER_FRAME_EVENTS = ("message", "agent_message", "message_replace")
# Unknown events that mean a chatflow stopped to wait (a human-input node): the stream then ends
# without message_end. New Dify versions name them differently, so match by what they say.
_PAUSE_WORDS = ("pause", "human_input", "human-input", "suspend")


@dataclass(frozen=True)
class Call:
    """Everything needed to call the app once the request is valid."""

    app_id: str
    request: TalkRequest
    inputs: dict[str, Any]
    visibility: Visibility


def handle_talk(
    r: Request,
    raw_settings: Mapping | None,
    invoke: Invoke,
    fetch_app: Callable[[str], Any] | None = None,
    *,
    storage: daily_limit.Storage | None = None,
    endpoint_id: str | None = None,
    clock: Callable[[], float] = time.time,
) -> Response:
    """The /talk response: a JSON error, an SSE stream, or (blocking) one JSON answer; never raises."""
    try:
        settings = parse_settings(raw_settings)
        call = prepare(r, settings, fetch_app)
        # Last, so a request refused for anything else is not counted; before the app is called.
        endpoint_key = endpoint_id or f"hook-{r.headers.get('Dify-Hook-Id', '')}"
        daily_limit.count_message(endpoint_key, settings.daily_message_limit, storage=storage, clock=clock)
    except daily_limit.LimitReached as full:
        logger.info("talk: refused, today's message limit is reached")
        return json_response(TalkError.of("limit_reached").body(), 429, {"Retry-After": full.header})
    except TalkError as err:
        logger.info("talk: refused %s (%s)", err.code, err.status)
        return error_response(err)
    except Exception as exc:
        logger.error("talk: unexpected failure while reading the request (%s)", type(exc).__name__)
        logger.debug("talk: unexpected failure", exc_info=True)
        return error_response(TalkError.of("internal_server_error"))
    if call.request.blocking:
        return blocking_response(call, invoke)
    return Response(stream(call, invoke), status=200, content_type=CONTENT_TYPE, headers=HEADERS)


def prepare(r: Request, settings: Settings, fetch_app: Callable[[str], Any] | None) -> Call:
    """Every check that can refuse the request, in the documented order; raises TalkError."""
    refuse_foreign_site(r.headers)
    if not settings.app_id:
        raise TalkError.of("app_not_configured")
    check_gate(r, settings)
    request = parse_talk_body(read_json_body(r, MAX_BODY_BYTES))
    params = get_app_params(settings.app_id, fetch_app) if fetch_app is not None else None
    inputs = merge_inputs(request.inputs, settings.app_inputs, params)
    logger.debug("talk: query %r, inputs %r", request.query, inputs)
    visibility = Visibility(
        sources=settings.show_sources, progress=settings.show_progress, tool_details=settings.show_tool_details
    )
    return Call(app_id=settings.app_id, request=request, inputs=inputs, visibility=visibility)


def stream(call: Call, invoke: Invoke) -> Generator[bytes, None, None]:
    """The SSE body: the opening comment at once, then the frames, coalesced (see chat_skins/coalesce.py)."""
    yield OPENING
    yield from coalesce(encoded_frames(Relay(call, invoke).frames()))


def encoded_frames(frames: Generator[dict[str, Any], None, None]) -> Generator[tuple[bytes, bool], None, None]:
    """Each visible event as an SSE frame, the first answer frame marked urgent (it leaves at once)."""
    waiting_for_answer = True
    try:
        for event in frames:
            try:
                data = frame(event)
            except Exception as exc:
                # Only a bug can get here (the relay emits plain JSON); still no traceback for the visitor.
                logger.error("talk: a frame could not be encoded (%s)", type(exc).__name__)
                yield frame({"event": "error", **TalkError.of("internal_server_error").body()}), True
                return
            urgent = waiting_for_answer and event["event"] in ANSWER_FRAME_EVENTS
            waiting_for_answer = waiting_for_answer and not urgent
            yield data, urgent
    finally:
        frames.close()


def blocking_response(call: Call, invoke: Invoke) -> Response:
    """Collect the stream into one JSON object (Dify's blocking shape)."""
    quiet = Visibility(sources=call.visibility.sources, progress=False, tool_details=False)
    relay = Relay(Call(call.app_id, call.request, call.inputs, quiet), invoke)
    parts: list[str] = []
    result: dict[str, Any] = {"event": "message"}
    for event in relay.frames():
        kind = event["event"]
        if kind in ("message", "agent_message"):
            parts.append(event["answer"])
        elif kind == "message_replace":
            parts = [event["answer"]]
        elif kind == "conversation_restarted":
            result["conversation_restarted"] = True
            result["previous_conversation_id"] = event["previous_conversation_id"]
        elif kind == "message_end":
            for key in ("conversation_id", "message_id", "created_at"):
                if key in event:
                    result[key] = event[key]
            if event.get("metadata"):
                result["metadata"] = event["metadata"]
        elif kind == "error":
            body = {k: event[k] for k in ("code", "message", "status")}
            return json_response(body, event["status"])
    answer = "".join(parts)
    if len(answer) > MAX_BLOCKING_ANSWER_CHARS:
        answer = answer[:MAX_BLOCKING_ANSWER_CHARS]
        result["truncated"] = True
    result["answer"] = answer
    return json_response(result, 200)


class Relay:
    """One /talk call upstream: retries a stale conversation once, filters events, ends in one error at most."""

    def __init__(self, call: Call, invoke: Invoke) -> None:
        self.call = call
        self.invoke = invoke
        self.conversation_id: str | None = None
        self.message_id: str | None = None
        self.answered = False
        self.frames_sent = 0
        self.outcome = "ok"
        self.paused = False
        self.workflow_open = False
        self.started_at = time.monotonic()
        self._upstream: Iterator[Any] | None = None

    def frames(self) -> Generator[dict[str, Any], None, None]:
        """Visible frames; nothing raised inside escapes, every failure ends in one `error` frame."""
        started = time.monotonic()
        try:
            yield from self._run()
        except GeneratorExit:
            # The consumer went away: stop quietly, yield nothing more.
            self.outcome = "closed"
            raise
        except BaseException as exc:  # noqa: BLE001 - a traceback must never reach the visitor
            logger.error("talk: unexpected failure while streaming (%s)", type(exc).__name__)
            logger.debug("talk: unexpected failure", exc_info=True)
            code = "timeout" if type(exc).__name__ == "Timeout" else "internal_server_error"
            yield self._error(TalkError.of(code))
        finally:
            self._close()
            logger.info("talk: %s after %.3fs, %d frames", self.outcome, time.monotonic() - started, self.frames_sent)

    def _kwargs(self, conversation_id: str | None) -> dict[str, Any]:
        req = self.call.request
        return {
            "app_id": self.call.app_id,
            "query": req.query,
            "inputs": dict(self.call.inputs),
            "response_mode": "streaming",
            "conversation_id": conversation_id,
        }

    def _start(self, conversation_id: str | None) -> Any:
        """Call the app and pull its first chunk (the lazy call happens here); returns it or _END."""
        self._close()
        self.started_at = time.monotonic()
        upstream = self.invoke(**self._kwargs(conversation_id))
        self._upstream = iter([upstream]) if isinstance(upstream, Mapping) else iter(upstream)
        return self._next()

    def _next(self) -> Any:
        try:
            return next(self._upstream)
        except StopIteration:
            return _END

    def _close(self) -> None:
        upstream, self._upstream = self._upstream, None
        close_quietly(upstream, "the upstream stream")

    def _run(self) -> Generator[dict[str, Any], None, None]:
        previous = self.call.request.conversation_id
        try:
            chunk = self._start(previous)
            failure: Exception | None = None
        except Exception as exc:
            chunk, failure = _END, exc
        if previous and self._stale(chunk, failure):
            logger.info("talk: conversation refused before streaming; starting a new one")
            try:
                chunk = self._start(None)
            except Exception as exc:
                yield self._failed(exc, started=False)
                return
            if chunk is not _END and not _is_error(chunk):
                new_id = chunk.get("conversation_id") if isinstance(chunk, Mapping) else None
                yield self._sent(
                    {
                        "event": "conversation_restarted",
                        "previous_conversation_id": previous,
                        "conversation_id": new_id if isinstance(new_id, str) and len(new_id) <= 100 else None,
                    }
                )
        elif failure is not None:
            yield self._failed(failure, started=False)
            return
        yield from self._relay(chunk)

    def _stale(self, chunk: Any, failure: Exception | None) -> bool:
        # Only a failure raised before the stream starts can be a stale conversation; an `error`
        # chunk is a failed run, and running the app again for it would double the cost.
        if failure is None:
            return False
        logger.debug("talk: call failed before streaming: %s", failure)
        return looks_stale(parse_failure(failure), failure)

    def _relay(self, chunk: Any) -> Generator[dict[str, Any], None, None]:
        vis = self.call.visibility
        while chunk is not _END:
            if isinstance(chunk, Mapping):
                self._remember(chunk)
                event = chunk.get("event")
                if event == "error":
                    logger.info("talk: the app sent error %.64r (status %.8r)", chunk.get("code"), chunk.get("status"))
                    logger.debug("talk: the app's error message: %r", chunk.get("message"))
                    yield self._error(error_for_chunk(chunk))
                    return
                if isinstance(event, str) and any(word in event.lower() for word in _PAUSE_WORDS):
                    self.paused = True
                elif event == "workflow_started":
                    self.workflow_open = True
                elif event == "workflow_finished":
                    self.workflow_open = False
                for out in reduce_event(chunk, vis):
                    if out["event"] in ("message", "agent_message", "message_replace", "message_file"):
                        self.answered = self.answered or bool(out.get("answer") or out["event"] == "message_file")
                    yield self._sent(out)
                if event == "message_end":
                    # The answer is complete; whatever follows (tts, future events) is not needed.
                    if not self.answered:
                        yield self._error(TalkError.of("empty_answer"))
                    return
            try:
                chunk = self._next()
            except Exception as exc:
                yield self._failed(exc, started=True)
                return
        # The stream ended without message_end or error: a chatflow waiting for a person, or a cut.
        if self.paused or self.workflow_open:
            yield self._error(TalkError.of("app_paused"))
        else:
            yield self._error(TalkError.of("stream_broken" if self.answered else "empty_answer"))

    def _remember(self, chunk: Mapping[str, Any]) -> None:
        for key in ("conversation_id", "message_id"):
            value = chunk.get(key)
            if isinstance(value, str) and value and len(value) <= 100:
                setattr(self, key, value)

    def _sent(self, event: dict[str, Any]) -> dict[str, Any]:
        self.frames_sent += 1
        return event

    def _failed(self, exc: Exception, *, started: bool) -> dict[str, Any]:
        err = error_for_exception(exc, started=started, elapsed=time.monotonic() - self.started_at)
        logger.info("talk: the call failed (%s, %s)", err.code, type(exc).__name__)
        logger.debug("talk: the call failed: %s", exc)
        return self._error(err)

    def _error(self, err: TalkError) -> dict[str, Any]:
        self.outcome = err.code
        event: dict[str, Any] = {"event": "error", **err.body()}
        if self.conversation_id:
            event["conversation_id"] = self.conversation_id
        if self.message_id:
            event["message_id"] = self.message_id
        return self._sent(event)


def _is_error(chunk: Any) -> bool:
    return isinstance(chunk, Mapping) and chunk.get("event") == "error"
