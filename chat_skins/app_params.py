"""The chat app's parameters (opening statement, suggestions, input form), briefly cached in-process."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)

TTL_SECONDS = 60.0
# A failed fetch is retried sooner, but not on every request while Dify is down.
FAILURE_TTL_SECONDS = 5.0
MAX_ENTRIES = 128

_cache: dict[str, tuple[float, dict[str, Any] | None]] = {}


def get_app_params(
    app_id: str, fetch_app: Callable[[str], Any] | None, *, clock: Callable[[], float] = time.monotonic
) -> dict[str, Any] | None:
    """The app's parameters (the Service API's `GET /parameters` object), or None; never raises.

    The result is a copy: callers may change it freely.
    """
    if not app_id or fetch_app is None:
        return None
    now = clock()
    hit = _cache.get(app_id)
    if hit is not None and hit[0] > now:
        return copy.deepcopy(hit[1])
    params = _fetch(app_id, fetch_app)
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[app_id] = (now + (TTL_SECONDS if params is not None else FAILURE_TTL_SECONDS), params)
    return copy.deepcopy(params)


def _fetch(app_id: str, fetch_app: Callable[[str], Any]) -> dict[str, Any] | None:
    try:
        answer = fetch_app(app_id)
    except Exception as exc:
        logger.warning("app parameters: fetch failed (%s)", type(exc).__name__)
        logger.debug("app parameters: fetch failed: %s", exc)
        return None
    # The SDK returns {"data": parameters}; accept the bare object too.
    if isinstance(answer, Mapping) and "data" in answer:
        answer = answer["data"]
    if not isinstance(answer, Mapping):
        logger.warning("app parameters: unexpected answer (%s)", type(answer).__name__)
        return None
    return dict(answer)


def clear_cache() -> None:
    """Forget every cached answer (tests, or after a settings change)."""
    _cache.clear()
