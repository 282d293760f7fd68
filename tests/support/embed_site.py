"""The embed script's test kit: a 'customer' web site on another loopback port, and helpers that
read the bubble's shadow DOM and the events the host page recorded."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

EVENTS = ["ready", "open", "close", "message", "answer", "error", "conversation", "feedback"]

# Records every bubble's events in window.events (bubbles added later are tracked by track(b)).
RECORDER = """
window.events = [];
window.track = function (b) {
  %s.forEach(function (n) { b.on(n, function (d) { window.events.push(Object.assign({name: n}, d)); }); });
};
(window.ChatSkins = window.ChatSkins || []).push(function (cs) { track(cs.get()); });
""".replace("%s", json.dumps(EVENTS))


class Site:
    """A tiny web server on another loopback port: the 'customer' site that embeds the bot."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        # Scripts served after a delay: (body, seconds).
        self.slow: dict[str, tuple[bytes, float]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path in site.slow:
                    script, delay = site.slow[self.path]
                    time.sleep(delay)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/javascript")
                    self.send_header("Content-Length", str(len(script)))
                    self.end_headers()
                    self.wfile.write(script)
                    return
                body = site.pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, name: str, scripts: list[tuple[str, dict[str, str]]], head: str = "", loading: str = "async") -> str:
        """Serve a host page with one embed script tag per (src, data attributes); return its URL."""
        tags = "".join(
            f'<script src="{html.escape(src)}" {loading}'
            + "".join(f' data-{k}="{html.escape(v)}"' for k, v in attrs.items())
            + "></script>"
            for src, attrs in scripts
        )
        self.pages[f"/{name}"] = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host site</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<script>{RECORDER}</script>{head}</head>"
            '<body><main><h1>Host site</h1><p><button id="mine" type="button">My own button</button></p></main>'
            f"{tags}</body></html>"
        )
        return f"{self.origin}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def serve_site() -> Iterator[Site]:
    """A running Site, shut down afterwards."""
    s = Site()
    try:
        yield s
    finally:
        s.close()


def names(page) -> list[str]:
    return page.evaluate("window.events.map(e => e.name)")


def wait_event(page, name: str, bubble: str | None = None, count: int = 1, timeout: float = 20000) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([n, b, c]) => window.events.filter(e => e.name === n && (!b || e.bubble === b)).length >= c",
            arg=[name, bubble, count],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        frames = [(f.url, f.evaluate("document.documentElement.outerHTML.length")) for f in page.frames]
        pytest.fail(f"no {name!r} event for {bubble}: events={page.evaluate('window.events')} frames={frames}")


def bubble_btn(page, bubble: str | None = None):
    return page.locator(
        f'chat-skins[data-bubble="{bubble}"] button.chatskins-bubble'
        if bubble
        else "chat-skins button.chatskins-bubble"
    )


def panel(page, bubble: str | None = None):
    return page.locator(
        f'chat-skins[data-bubble="{bubble}"] .chatskins-panel' if bubble else "chat-skins .chatskins-panel"
    )


def chat_frame(page, bubble: str | None = None):
    return page.frame_locator(f'chat-skins[data-bubble="{bubble}"] iframe' if bubble else "chat-skins iframe")


def iframe_count(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('chat-skins')].filter(h => h.shadowRoot.querySelector('iframe')).length"
    )


def focus_on_bubble(page) -> bool:
    return page.evaluate(
        "(() => { const h = document.activeElement; return !!h && h.localName === 'chat-skins' && "
        "h.shadowRoot.activeElement === h.shadowRoot.querySelector('button.chatskins-bubble'); })()"
    )


def record_commands(frame) -> None:
    """Record, inside the chat page, every command the bridge dispatches."""
    frame.evaluate(
        "window.__cmds = []; document.addEventListener('chatskins:command', e => window.__cmds.push(e.detail))"
    )


def expect_closed(page, bubble: str | None = None) -> None:
    panel(page, bubble).wait_for(state="hidden", timeout=5000)
    assert bubble_btn(page, bubble).get_attribute("aria-expanded") == "false"
