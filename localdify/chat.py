"""Chat calls across backends: conversation bookkeeping and Dify's stale-conversation rule."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from localdify.apps import STALE_CONVERSATION, Backend, BackendFailure, Turn, make_backend
from localdify.apps.base import Step, collapse, wrapped_invalid_param
from localdify.apps.demo import DemoBackend

# The daemon's texts: a chat call to an unknown app comes wrapped like any refused call;
# fetch_app for one fails with the daemon's own message.
APP_NOT_FOUND = wrapped_invalid_param("app not found")
FETCH_APP_NOT_FOUND = "fetch app failed: data is nil"
MISSING_QUERY = wrapped_invalid_param("missing query")


class ChatService:
    """Every app the config names; remembers which conversations each app has created."""

    def __init__(self, apps: dict[str, dict[str, Any]], plugin_dir: Path) -> None:
        self.backends: dict[str, Backend] = {
            app_id: make_backend(str(opts.get("name") or app_id), opts, plugin_dir) for app_id, opts in apps.items()
        }
        self._turns: dict[str, dict[str, int]] = {app_id: {} for app_id in apps}
        self._lock = threading.Lock()

    def backend(self, app_id: str) -> Backend:
        backend = self.backends.get(app_id)
        if backend is None:
            raise BackendFailure(APP_NOT_FOUND)
        return backend

    def parameters(self, app_id: str) -> dict[str, Any]:
        backend = self.backends.get(app_id)
        if backend is None:
            raise BackendFailure(FETCH_APP_NOT_FOUND)
        return backend.parameters()

    def knows(self, app_id: str, conversation_id: str) -> bool:
        with self._lock:
            return conversation_id in self._turns.get(app_id, {})

    def forget(self, app_id: str, conversation_id: str) -> None:
        """Drop a conversation, as if it was deleted in Dify: its id becomes stale."""
        with self._lock:
            self._turns.get(app_id, {}).pop(conversation_id, None)

    def begin(self, app_id: str, query: str, inputs: dict, conversation_id: str | None, user: str | None) -> Turn:
        """Check the call like Dify does before streaming; returns the turn with its ids."""
        backend = self.backend(app_id)
        if not query.strip():
            raise BackendFailure(MISSING_QUERY)
        with self._lock:
            book = self._turns[app_id]
            if conversation_id:
                if conversation_id not in book:
                    # Unknown, deleted or another user's conversation: Dify refuses it with an empty message.
                    raise BackendFailure(STALE_CONVERSATION)
                book[conversation_id] += 1
                number = book[conversation_id]
            elif backend.assigns_ids:
                conversation_id = str(uuid.uuid4())
                book[conversation_id] = number = 1
            else:
                number = 1
        return Turn(
            app_id=app_id,
            query=query,
            inputs=dict(inputs or {}),
            conversation_id=conversation_id,
            user=user,
            number=number,
        )

    def _record(self, turn: Turn, chunk: dict[str, Any]) -> None:
        """Upstream-assigned conversation ids (real Dify) become known once seen."""
        conversation_id = chunk.get("conversation_id")
        if isinstance(conversation_id, str) and conversation_id:
            with self._lock:
                self._turns[turn.app_id].setdefault(conversation_id, turn.number)
            turn.conversation_id = conversation_id

    def steps(self, turn: Turn) -> Iterator[Step]:
        backend = self.backend(turn.app_id)
        try:
            for kind, value in backend.stream(turn):
                if kind == "chunk" and not backend.assigns_ids and turn.conversation_id is None:
                    self._record(turn, value)
                yield kind, value
        finally:
            if isinstance(backend, DemoBackend) and backend.forget:
                for conversation_id in list(backend.forget):
                    self.forget(turn.app_id, conversation_id)
                    backend.forget.discard(conversation_id)

    def _paced(self, turn: Turn) -> Iterator[Step]:
        """A blocking call takes as long as the whole stream would."""
        for kind, value in self.steps(turn):
            if kind == "pause":
                time.sleep(value)
            else:
                yield kind, value

    def blocking(self, turn: Turn) -> dict[str, Any]:
        backend = self.backend(turn.app_id)
        answer = backend.blocking(turn)
        if answer is None:
            answer = collapse(turn, self._paced(turn))
        elif not backend.assigns_ids and turn.conversation_id is None:
            self._record(turn, answer)
        return answer
