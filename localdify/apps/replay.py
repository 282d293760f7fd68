"""Replays recorded Dify streams from the shared fixtures (one JSON step per line)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from localdify.apps.base import Backend, Step, Turn

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
FIXTURE_QUERY = re.compile(r"^\s*fixture:([A-Za-z0-9_-]+)\s*$")


def shared_dir(plugin_dir: Path) -> Path:
    """The shared fixtures: $CHAT_SKINS_SHARED, else <plugin dir>/../shared, else next to this repository."""
    env = os.environ.get("CHAT_SKINS_SHARED")
    if env:
        return Path(env)
    candidates = [Path(plugin_dir).resolve().parent / "shared", Path(__file__).resolve().parents[3] / "shared"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def load_steps(path: Path) -> list[dict[str, Any]]:
    steps = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        step = json.loads(line)
        if not isinstance(step, dict) or not ({"chunk", "fail", "pause_ms"} & set(step)):
            raise ValueError(f"{path}:{number}: expected chunk, fail or pause_ms")
        steps.append(step)
    return steps


def load_parameters(path: Path) -> dict[str, Any]:
    """A shared parameters fixture as the daemon hands it to the plugin: the object inside `data`."""
    answer = json.loads(path.read_text(encoding="utf-8"))
    return answer["data"] if isinstance(answer, dict) and isinstance(answer.get("data"), dict) else answer


class ReplayBackend(Backend):
    """Options: fixture (default chat-basic), parameters (default full), speed (pause divisor, 0 = none)."""

    def __init__(self, options: dict[str, Any], plugin_dir: Path) -> None:
        self.root = shared_dir(plugin_dir) / "fixtures"
        self.fixture = str(options.get("fixture", "chat-basic"))
        self.parameters_name = str(options.get("parameters", "full"))
        self.speed = float(options.get("speed", 1.0))
        for name in (self.fixture, self.parameters_name):
            if not _NAME.match(name):
                raise ValueError(f"replay app: bad fixture name {name!r}")
        if not (self.root / "dify-streams" / f"{self.fixture}.jsonl").is_file():
            raise ValueError(f"replay app: no fixture {self.fixture!r} in {self.root / 'dify-streams'}")
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def parameters(self) -> dict[str, Any]:
        path = self.root / "app-parameters" / f"{self.parameters_name}.json"
        return load_parameters(path)

    def _steps(self, name: str) -> list[dict[str, Any]]:
        if name not in self._cache:
            path = self.root / "dify-streams" / f"{name}.jsonl"
            if not path.is_file():
                raise FileNotFoundError(name)
            self._cache[name] = load_steps(path)
        return self._cache[name]

    def fixture_for(self, query: str) -> str:
        match = FIXTURE_QUERY.match(query)
        return match.group(1) if match else self.fixture

    def stream(self, turn: Turn) -> Iterator[Step]:
        name = self.fixture_for(turn.query)
        try:
            steps = self._steps(name)
        except FileNotFoundError:
            yield ("fail", f"invoke app failed: replay fixture not found: {name}")
            return
        # The fixture's own ids become this turn's ids, consistently across every chunk.
        ids: dict[str, str] = {}
        for step in steps:
            chunk = step.get("chunk")
            if isinstance(chunk, dict):
                for key, mine in (
                    ("conversation_id", turn.conversation_id),
                    ("message_id", turn.message_id),
                    ("task_id", turn.task_id),
                ):
                    if isinstance(chunk.get(key), str) and mine:
                        ids.setdefault(chunk[key], mine)
        for step in steps:
            if "pause_ms" in step:
                yield ("pause", 0.0 if self.speed <= 0 else float(step["pause_ms"]) / 1000.0 / self.speed)
            elif "fail" in step:
                yield ("fail", str(step["fail"]))
            else:
                chunk = dict(step["chunk"])
                for key in ("conversation_id", "message_id", "task_id", "id"):
                    value = chunk.get(key)
                    if isinstance(value, str) and value in ids:
                        chunk[key] = ids[value]
                if "created_at" in chunk:
                    chunk["created_at"] = turn.created_at
                yield ("chunk", chunk)
