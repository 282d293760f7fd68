"""Chat-app backends: demo (offline bot), replay (recorded fixtures), paced (load tests), dify (a real app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from localdify.apps.base import STALE_CONVERSATION, Backend, BackendFailure, Turn


def make_backend(app_id: str, options: dict[str, Any], plugin_dir: Path) -> Backend:
    """Build the backend an app's config names."""
    kind = options.get("backend", "demo")
    if kind == "demo":
        from localdify.apps.demo import DemoBackend

        return DemoBackend(options)
    if kind == "replay":
        from localdify.apps.replay import ReplayBackend

        return ReplayBackend(options, plugin_dir)
    if kind == "paced":
        from localdify.apps.paced import PacedBackend

        return PacedBackend(options)
    if kind == "dify":
        from localdify.apps.dify import DifyBackend

        return DifyBackend(app_id, options)
    raise ValueError(f"apps.{app_id}: unknown backend {kind!r}")


__all__ = ["STALE_CONVERSATION", "Backend", "BackendFailure", "Turn", "make_backend"]
