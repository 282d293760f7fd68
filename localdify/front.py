"""The HTTP side of the daemon: /e/<hook_id>/<path> forwarded to the plugin, answers streamed back chunk by chunk."""

from __future__ import annotations

import binascii
import html
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_input_stream

from localdify.config import EndpointInstance
from localdify.dispatcher import Dispatcher, PluginUnavailable, Session

log = logging.getLogger("localdify.front")

BODY_LIMIT = 10 * 1024 * 1024  # the daemon silently truncates request bodies here
REQUEST_TIMEOUT = 600.0  # the daemon's limit for a whole endpoint request
# Exactly the headers the daemon strips (so the plugin never sees the client's IP); all others pass.
DROPPED_REQUEST_HEADERS = {
    "x-forwarded-for",
    "x-real-ip",
    "x-forwarded",
    "x-original-forwarded-for",
    "x-original-url",
    "x-original-host",
}
# Set by Dify (nginx and the daemon) whatever the client sent.
PLATFORM_HEADERS = {"dify-hook-id", "dify-hook-url"}
# The daemon's router knows these methods only; anything else (PATCH) is a 404 like an unknown path.
ROUTED_METHODS = {"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def _json_response(start_response, status: int, code: str, message: str) -> list[bytes]:
    body = json.dumps({"code": code, "message": message, "status": status}, separators=(",", ":")).encode()
    start_response(
        f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def sorted_query(query_string: str) -> str:
    """Re-encode the query with keys sorted (stable for repeated keys), as Go's url.Values.Encode does."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda kv: kv[0]))


def _raw_path(environ: dict[str, Any]) -> str:
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        path = environ.get("PATH_INFO", "/")
    # Keep existing escapes; escape anything that would make the request line unprintable.
    return quote(path.encode("latin-1", "replace"), safe="/%:@!$&'()*+,;=~")


def _request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").title()
        else:
            continue
        lower = name.lower()
        if lower in DROPPED_REQUEST_HEADERS or lower in PLATFORM_HEADERS or lower == "host":
            continue
        if lower in HOP_BY_HOP or lower == "content-length" or not value:
            continue
        headers.append((name, value))
    return headers


def host_without_port(value: str) -> str:
    """`Host` as Dify's nginx sends it (`$host`): the name without the port."""
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _original_uri(environ: dict[str, Any]) -> str:
    """The request target as the browser sent it (nginx's `$request_uri`), prefix and raw query included."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return raw
    query = environ.get("QUERY_STRING", "")
    return quote(environ.get("PATH_INFO", "/"), safe="/%:@!$&'()*+,;=~") + (f"?{query}" if query else "")


def page_urls(base: str, hook_id: str, page_paths: Sequence[str]) -> list[str]:
    """What Dify's endpoint panel shows: base + /e/<hook_id> + each non-hidden path."""
    return [f"{base}/e/{hook_id}{path}" for path in page_paths]


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = get_input_stream(environ, max_content_length=None)
    body = stream.read(BODY_LIMIT)
    # Drain what is over the cap so the client sees a normal answer, not a reset.
    while stream.read(65536):
        pass
    return body


class Front:
    """The WSGI app: an index at `/`, endpoint instances under `/e/<hook_id>`, each request a dispatcher session."""

    def __init__(
        self, dispatcher: Dispatcher, endpoints: Mapping[str, EndpointInstance], page_paths: Sequence[str]
    ) -> None:
        """`endpoints` by hook id, in the order the index lists them; `page_paths`: the plugin's non-hidden paths."""
        self.dispatcher = dispatcher
        self.endpoints = endpoints
        self.page_paths = page_paths

    def __call__(self, environ: dict[str, Any], start_response) -> Iterator[bytes] | list[bytes]:
        path = _raw_path(environ)
        if path in ("/", "/index.html"):
            return self._index(environ, start_response)
        if not path.startswith("/e/"):
            return _json_response(
                start_response, 404, "not_found", "Not found. Endpoint pages live under /e/<hook_id>/."
            )
        hook_id, _, rest = path[3:].partition("/")
        endpoint = self.endpoints.get(hook_id)
        if endpoint is None:
            return _json_response(start_response, 404, "endpoint_not_found", f"No endpoint with hook id {hook_id!r}.")
        return self._forward(environ, start_response, endpoint, "/" + rest)

    # -- index -----------------------------------------------------------

    def _index(self, environ: dict[str, Any], start_response) -> list[bytes]:
        base = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', 'localhost')}"
        rows = []
        for ep in self.endpoints.values():
            links = "".join(
                f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>'
                for u in page_urls(base, ep.hook_id, self.page_paths)
            )
            rows.append(f"<section><h2>{html.escape(ep.name)} <code>{ep.hook_id}</code></h2><ul>{links}</ul></section>")
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>localdify</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            "<body><h1>Local Dify host</h1><p>Endpoint instances and their pages:</p>"
            + "".join(rows)
            + "</body></html>"
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    # -- forwarding ------------------------------------------------------

    def _forward(self, environ, start_response, endpoint, path: str):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ROUTED_METHODS:
            body = b"404 page not found"
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        query = sorted_query(environ.get("QUERY_STRING", ""))
        target = path + (f"?{query}" if query else "")
        body = _read_body(environ)
        headers = _request_headers(environ)
        host_header = host_without_port(environ.get("HTTP_HOST") or str(environ.get("SERVER_NAME")))
        headers.insert(0, ("Host", host_header))
        scheme = environ.get("wsgi.url_scheme", "http")
        headers.append(("Dify-Hook-Id", endpoint.hook_id))
        headers.append(("Dify-Hook-Url", f"{scheme}://{host_header}{_original_uri(environ)}"))
        if body or environ.get("CONTENT_LENGTH"):
            headers.append(("Content-Length", str(len(body))))
        head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers) + "\r\n"
        raw = head.encode("latin-1", "replace") + body

        session = self.dispatcher.open(endpoint, path)
        try:
            self.dispatcher.send(session, raw)
        except PluginUnavailable:
            return _json_response(start_response, 502, "plugin_unavailable", "The plugin is not running.")
        return self._relay(session, start_response)

    def _relay(self, session: Session, start_response) -> Iterator[bytes]:
        """Status and headers go out with the first body chunk; each chunk is flushed as it arrives."""
        deadline = time.monotonic() + REQUEST_TIMEOUT
        started = False
        status: int | None = None
        headers: dict[str, str] = {}
        streamed = False

        def start() -> None:
            nonlocal started
            out = []
            seen = set()
            for name, value in headers.items():
                lower = name.lower()
                # One value per header name; no framing headers on a streamed answer.
                if lower in seen or lower in HOP_BY_HOP or (streamed and lower == "content-length"):
                    continue
                seen.add(lower)
                out.append((name, str(value)))
            code = status or 200
            start_response(f"{code} {HTTP_STATUS_CODES.get(code, 'Unknown')}", out)
            started = True

        try:
            while True:
                msg = self.dispatcher.relay(session, deadline - time.monotonic())
                if msg is None:
                    log.error("the plugin did not finish %s within %.0f s", session.path, REQUEST_TIMEOUT)
                    if not started:
                        yield from _json_response(
                            start_response, 504, "plugin_timeout", "The plugin did not answer in time."
                        )
                        return
                    yield b"killed by timeout"
                    return
                kind = msg.get("type")
                data = msg.get("data") or {}
                if kind == "stream":
                    if "status" in data:
                        status = int(data["status"])
                        headers = dict(data.get("headers") or {})
                        streamed = "result" not in data
                    if "result" in data:
                        chunk = binascii.unhexlify(data["result"])
                        if not started:
                            start()
                        if chunk:
                            yield chunk
                elif kind == "end":
                    break
                elif kind == "error":  # the dispatcher recorded it
                    if not started:
                        # Never show the plugin's traceback to a browser.
                        yield from _json_response(start_response, 500, "plugin_error", "The plugin failed.")
                        return
                    # Mid-stream the daemon appends its error text, traceback included, to the body.
                    yield json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")
                    return
            if not started:
                if status is None:
                    yield from _json_response(start_response, 500, "plugin_error", "The plugin failed.")
                    return
                start()
                yield b""
        finally:
            self.dispatcher.close(session)
