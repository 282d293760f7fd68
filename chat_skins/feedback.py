"""Visitors' thumbs up/down on answers: POST feedback stores a vote, GET feedback exports them (bearer key).

Votes live in plugin storage per endpoint, in pages of at most `PAGE_ENTRIES` entries and
`PAGE_BYTES` bytes (`<endpoint>/feedback/<n>`), plus an index (`<endpoint>/feedback/index`: the live
page numbers and which page holds each message's vote, so a changed vote replaces the old one).
At most `MAX_PAGES` pages are kept: when a new page starts past that, the oldest page rolls off whole.
So an endpoint keeps its newest 451-500 votes (fewer, never under ~200, when they are all long texts
in multi-byte scripts) in at most MAX_PAGES * PAGE_BYTES bytes plus a small index.

Storage has no transactions: a vote is a few reads and writes. One process applies one vote per
endpoint at a time; two processes voting at the same instant can lose one of the two votes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug import Request, Response

from chat_skins import throttle
from chat_skins.access import bearer_token, check_gate
from chat_skins.app_id import is_uuid
from chat_skins.errors import TalkError, error_response, json_response
from chat_skins.same_origin import refuse_foreign_site
from chat_skins.settings import Settings, parse_settings
from chat_skins.talk_request import read_json_body
from chat_skins.web import BoundedCache

logger = logging.getLogger(__name__)

PAGE_ENTRIES = 50
PAGE_BYTES = 128 * 1024
MAX_PAGES = 10
MAX_ENTRIES = PAGE_ENTRIES * MAX_PAGES
# What is kept of each text; longer input is cut, never refused (the page sends the start only).
KEPT_CHARS = {"question": 500, "answer": 500}
MAX_REASON_CHARS = 300
# What a request may carry at most (a page never sends more than the kept part).
MAX_TEXT_CHARS = 4000
MAX_BODY_BYTES = 32 * 1024
VOTES = ("up", "down")
FIELDS = ("time", "conversation_id", "message_id", "vote", "reason", "question", "answer")
_BODY_KEYS = frozenset(("conversation_id", "message_id", "vote", "reason", "question", "answer"))
# A CSV cell starting with one of these is a formula to a spreadsheet: such cells get a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Vote:
    conversation_id: str
    message_id: str
    vote: str
    reason: str
    question: str
    answer: str

    def entry(self, now: float) -> dict[str, str]:
        stamp = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        return {"time": stamp, **{k: getattr(self, k) for k in FIELDS[1:]}}


def _clean(value: str) -> str:
    """Text as it may be stored: no control characters but newlines and tabs."""
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())


def _text(body: Mapping[str, Any], key: str, limit: int, keep: int) -> str:
    value = body.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise TalkError.of("invalid_param", f"{key} must be a string.")
    if len(value) > limit:
        raise TalkError.of("invalid_param", f"{key} is too long (at most {limit} characters).")
    return _clean(value).strip()[:keep]


def parse_vote(body: Mapping[str, Any]) -> Vote:
    """A vote from a request body; raises TalkError(invalid_param) for anything off the contract."""
    unknown = set(body) - _BODY_KEYS
    if unknown:
        raise TalkError.of("invalid_param", f"Unknown field: {sorted(unknown)[0][:40]}.")
    ids = {}
    for key in ("conversation_id", "message_id"):
        if not is_uuid(body.get(key)):
            raise TalkError.of("invalid_param", f"{key} must be a UUID.")
        ids[key] = body[key].lower()
    vote = body.get("vote")
    if vote not in VOTES:
        raise TalkError.of("invalid_param", "vote must be up or down.")
    reason = _text(body, "reason", MAX_REASON_CHARS, MAX_REASON_CHARS) if vote == "down" else ""
    if vote == "up" and body.get("reason") not in (None, ""):
        raise TalkError.of("invalid_param", "Only a down vote has a reason.")
    return Vote(
        vote=vote,
        reason=reason,
        question=_text(body, "question", MAX_TEXT_CHARS, KEPT_CHARS["question"]),
        answer=_text(body, "answer", MAX_TEXT_CHARS, KEPT_CHARS["answer"]),
        **ids,
    )


# -- the rolling buffer (pure: works on any Storage) -------------------------------------------


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _read(storage: throttle.Storage, key: str) -> Any:
    """The stored JSON object, or None when missing or unreadable (a missing key is the normal first time)."""
    try:
        raw = storage.get(key)
    except Exception as exc:
        if "load data failed" in str(exc) or "not found" in str(exc):
            return None
        raise
    try:
        value = json.loads(bytes(raw).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        logger.warning("feedback: %s is not readable, starting it again", key.rsplit("/", 1)[-1])
        return None
    return value if isinstance(value, dict) and value.get("v") == 1 else None


@dataclass
class Index:
    first: int = 0
    last: int = 0
    pages: dict[str, int] | None = None  # message id -> page number

    @staticmethod
    def load(storage: throttle.Storage, key: str) -> Index:
        raw = _read(storage, key)
        try:
            first, last, pages = int(raw["first"]), int(raw["last"]), dict(raw["pages"])  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            return Index(pages={})
        if not 0 <= first <= last:
            return Index(pages={})
        return Index(first, last, {str(k): int(v) for k, v in pages.items() if isinstance(v, int)})

    def encode(self) -> bytes:
        return _encode({"v": 1, "first": self.first, "last": self.last, "pages": self.pages})


def _page_key(prefix: str, n: int) -> str:
    return f"{prefix}/{n}"


def _entries(storage: throttle.Storage, key: str) -> list[dict[str, Any]]:
    raw = _read(storage, key)
    entries = raw.get("entries") if raw else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _page_bytes(entries: list[dict[str, Any]]) -> int:
    return len(_encode({"v": 1, "entries": entries}))


def store_vote(storage: throttle.Storage, prefix: str, entry: dict[str, str]) -> None:
    """Adds `entry` (replacing the same message's earlier vote) to the rolling buffer under `prefix`."""
    index_key = prefix + "/index"
    index = Index.load(storage, index_key)
    message = entry["message_id"]
    where = (index.pages or {}).get(message)
    if where is not None and index.first <= where <= index.last:
        entries = _entries(storage, _page_key(prefix, where))
        kept = [e for e in entries if e.get("message_id") != message]
        if len(kept) < len(entries):
            kept.append(entry)
            storage.set(_page_key(prefix, where), _encode({"v": 1, "entries": kept}))
            return
    entries = _entries(storage, _page_key(prefix, index.last))
    if len(entries) >= PAGE_ENTRIES or (entries and _page_bytes([*entries, entry]) > PAGE_BYTES):
        index.last += 1
        entries = []
        while index.last - index.first + 1 > MAX_PAGES:
            _roll_off(storage, prefix, index)
    entries.append(entry)
    storage.set(_page_key(prefix, index.last), _encode({"v": 1, "entries": entries}))
    index.pages = {**(index.pages or {}), message: index.last}
    storage.set(index_key, index.encode())


def _roll_off(storage: throttle.Storage, prefix: str, index: Index) -> None:
    gone = index.first
    index.first += 1
    index.pages = {k: v for k, v in (index.pages or {}).items() if v != gone}
    try:
        storage.delete(_page_key(prefix, gone))
    except Exception as exc:
        # Left behind, it is only space: it is never read again.
        logger.warning("feedback: an old page could not be deleted (%s)", type(exc).__name__)


def load_votes(storage: throttle.Storage, prefix: str) -> list[dict[str, str]]:
    """Every kept vote, oldest first, one per message (the latest)."""
    index = Index.load(storage, prefix + "/index")
    latest: dict[str, dict[str, str]] = {}
    for n in range(index.first, index.last + 1):
        for e in _entries(storage, _page_key(prefix, n)):
            if isinstance(e.get("message_id"), str):
                latest.pop(e["message_id"], None)
                latest[e["message_id"]] = {k: str(e.get(k, "")) for k in FIELDS}
    return sorted(latest.values(), key=lambda e: e["time"])


# -- export --------------------------------------------------------------------------------


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote defuses a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(votes: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for v in votes:
        writer.writerow([csv_cell(v.get(k, "")) for k in FIELDS])
    return out.getvalue()


def _keys_match(given: str, expected: str) -> bool:
    # Hash both sides first so the comparison takes the same time whatever the lengths.
    a = hashlib.sha256(given.encode("utf-8", "replace")).digest()
    b = hashlib.sha256(expected.encode("utf-8", "replace")).digest()
    return hmac.compare_digest(a, b)


# -- the endpoint's logic --------------------------------------------------------------------

_locks: BoundedCache[str, threading.Lock] = BoundedCache(1024)


def _prefix(endpoint_key: str) -> str:
    return endpoint_key + "/feedback"


def handle_feedback(
    r: Request,
    raw_settings: Mapping | None,
    *,
    storage: throttle.Storage | None,
    endpoint_id: str | None,
    clock: Callable[[], float] = time.time,
) -> Response:
    """POST feedback (a visitor's vote) and GET feedback (the export); never raises."""
    try:
        refuse_foreign_site(r.headers)
        settings = parse_settings(raw_settings)
        endpoint_key = endpoint_id or f"hook-{r.headers.get('Dify-Hook-Id', '')}"
        if r.method == "POST":
            return _vote(r, settings, storage, endpoint_key, clock)
        return _export(r, settings, storage, endpoint_key, clock)
    except throttle.Refused as refused:
        return json_response(TalkError.of("too_many_attempts").body(), 429, {"Retry-After": refused.header})
    except TalkError as err:
        return error_response(err)
    except Exception as exc:
        logger.error("feedback: unexpected failure (%s)", type(exc).__name__)
        logger.debug("feedback: unexpected failure", exc_info=True)
        return error_response(TalkError.of("internal_server_error"))


def _vote(
    r: Request, settings: Settings, storage: throttle.Storage | None, endpoint_key: str, clock: Callable[[], float]
) -> Response:
    if not settings.feedback:
        raise TalkError.of("feedback_off")
    check_gate(r, settings)
    vote = parse_vote(read_json_body(r, MAX_BODY_BYTES))
    if storage is None:
        raise TalkError.of("feedback_unavailable")
    lock = _locks.get_or_make(endpoint_key, threading.Lock)
    try:
        with lock:
            store_vote(storage, _prefix(endpoint_key), vote.entry(clock()))
    except Exception as exc:
        logger.warning("feedback: the vote could not be stored (%s)", type(exc).__name__)
        logger.debug("feedback: storage failure: %s", exc)
        raise TalkError.of("feedback_unavailable") from None
    logger.info("feedback: %s vote stored", vote.vote)
    return json_response({"ok": True, "vote": vote.vote, "message_id": vote.message_id}, 200)


def _export(
    r: Request, settings: Settings, storage: throttle.Storage | None, endpoint_key: str, clock: Callable[[], float]
) -> Response:
    if not settings.feedback_key:
        raise TalkError.of("feedback_export_off")
    fmt = r.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise TalkError.of("invalid_param", "format must be json or csv.")
    given = bearer_token(r)
    if not given:
        raise TalkError.of("feedback_key_required")
    ok = throttle.attempt(
        endpoint_key + "/feedback-export",
        lambda: _keys_match(given, settings.feedback_key),
        storage=storage,
        clock=clock,
    )
    if not ok:
        logger.info("feedback: export refused, wrong key")
        raise TalkError.of("feedback_key_required")
    if storage is None:
        raise TalkError.of("feedback_unavailable")
    try:
        votes = load_votes(storage, _prefix(endpoint_key))
    except Exception as exc:
        logger.warning("feedback: the votes could not be read (%s)", type(exc).__name__)
        raise TalkError.of("feedback_unavailable") from None
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if fmt == "csv":
        headers["Content-Disposition"] = 'attachment; filename="feedback.csv"'
        return Response(to_csv(votes).encode("utf-8"), 200, content_type="text/csv; charset=utf-8", headers=headers)
    body = {"count": len(votes), "limit": MAX_ENTRIES, "votes": votes}
    return json_response(body, 200, {"Content-Disposition": 'inline; filename="feedback.json"'})
