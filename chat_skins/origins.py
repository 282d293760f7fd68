"""Origins, in one place: the `allowed_origins` setting, an origin a page was told about, who may frame."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

# scheme://host[:port] or scheme://*.domain; hosts are dot-separated labels of letters, digits and hyphens.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SOURCE = re.compile(rf"^https?://(?:\*\.)?{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?$")
_ORIGIN = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(?::(\d{1,5}))?$")
MAX_SETTING_CHARS = 4000


def parse_origin(value: Any) -> str | None:
    """A normalized `scheme://host[:port]` origin (as a browser writes it), or None."""
    if not isinstance(value, str):
        return None
    match = _ORIGIN.match(value.strip().rstrip("/").lower())
    if not match:
        return None
    scheme, host, port = match.group(1), match.group(2), match.group(3)
    if not host.strip(".") or ".." in host:
        return None
    if port is not None:
        if not 0 < int(port) < 65536:
            return None
        # Browsers never put a default port in an origin.
        if (scheme, port) in (("http", "80"), ("https", "443")):
            port = None
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def _source(part: str) -> str | None:
    """`part` as a lowercase CSP source `scheme://host[:port]` (or `scheme://*.domain`), or None."""
    candidate = part[:-1] if part.endswith("/") else part
    if not _SOURCE.match(candidate):
        return None
    host, _, port = candidate.split("://", 1)[1].partition(":")
    if port and not 0 < int(port) < 65536:
        return None
    # A wildcard over a whole top-level domain (https://*.com) is never what an operator means.
    if host.startswith("*.") and "." not in host[2:]:
        return None
    return candidate.lower()


@functools.lru_cache(maxsize=64)
def parse_allowed_origins(text: str) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """(allowed origins, dropped entries) for the cleaned setting text; None: any site, (): none.

    Cached, so each bad value is logged once per process.
    """
    if not text or text == "*":
        return None, ()
    if text.lower() == "none":
        return (), ()
    valid: dict[str, None] = {}
    dropped: list[str] = []
    for part in (p for p in re.split(r"[\s,]+", text) if p):
        source = _source(part)
        if source is None:
            dropped.append(part[:200])
        else:
            valid[source] = None
    if dropped:
        logger.warning("allowed_origins: ignoring entries that are not origins (scheme://host[:port]): %r", dropped)
    if not valid:
        # Fail closed: a list with nothing usable is a typo, and "any site" is the unsafe reading of it.
        logger.warning("allowed_origins: nothing valid left; only Dify itself may frame the pages")
    return tuple(valid), tuple(dict.fromkeys(dropped))


def origin_allowed(origin: str, allowed: tuple[str, ...] | None) -> bool:
    """Whether `allowed_origins` lets `origin` frame the pages (None: any site; (): none)."""
    if allowed is None:
        return True
    for entry in allowed:
        if "://*." in entry:
            scheme, suffix = entry.split("://*.", 1)
            rest = origin.split("://", 1)
            if rest[0] == scheme and rest[1].lower().endswith("." + suffix.lower()):
                return True
        elif parse_origin(entry) == origin:
            return True
    return False


def frame_ancestors(allowed: tuple[str, ...] | None) -> str:
    """The `frame-ancestors` value: any site (None), no other site (empty), or the list plus the page's own origin."""
    if allowed is None:
        return "*"
    # "none" still lets Dify's own origin frame the page: the gallery's previews are same-origin iframes,
    # and that origin can already script the page anyway.
    if not allowed:
        return "'self'"
    return " ".join(("'self'", *allowed))
