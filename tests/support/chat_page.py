"""Drives the chat page in Chromium: open it, send, wait for answers, read what is shown, run axe-core."""

from __future__ import annotations

from tests.support.fixtures import REPO_ROOT

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
STREAMING = "#cs-app.cs-streaming"


class Chat:
    """Drives one chat page: open it, send, wait for answers, read what is shown."""

    def __init__(self, page, host):
        self.page = page
        self.host = host

    def open(self, hook: str, path: str = "/minimal", query: str = "") -> Chat:
        response = self.page.goto(self.host.url(hook, path) + query)
        assert response is not None and response.status == 200, response and response.status
        self.page.wait_for_selector("html[data-ready]")
        return self

    def send(self, text: str, wait: bool = True) -> None:
        self.page.fill("#cs-input", text)
        self.page.press("#cs-input", "Enter")
        if wait:
            self.wait_idle()

    def wait_idle(self, timeout: float = 20_000) -> None:
        self.page.wait_for_function(f"() => !document.querySelector({STREAMING!r})", timeout=timeout)

    def wait_streaming_text(self, min_chars: int = 1) -> None:
        self.page.wait_for_function(
            "n => { const a = [...document.querySelectorAll('.cs-msg-bot [data-cs-answer]')].pop();"
            " return a && a.textContent.length >= n; }",
            arg=min_chars,
        )

    def answers(self) -> list[str]:
        return self.page.locator(".cs-msg-bot [data-cs-answer]").all_inner_texts()

    def last_bot(self):
        return self.page.locator(".cs-msg-bot").last

    def stored_keys(self) -> list[str]:
        return self.page.evaluate("() => Object.keys(localStorage)")

    def axe(self) -> list[dict]:
        """axe-core violations (WCAG 2.x A/AA + best practices) of the current page."""
        # Measure settled colors: no transition or opening animation half-way. Animations driven by scrolling (a
        # table's fading edges) follow the scroll position, not the clock: they are as settled as they get.
        self.page.wait_for_function(
            "() => document.getAnimations()"
            ".every(a => a.playState !== 'running' || !(a.timeline instanceof DocumentTimeline))"
        )
        self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        return self.page.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values:"
            " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )


def track_errors(page) -> list[str]:
    """The page's uncaught errors, collected as they happen (also as page.js_errors)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return errors


CONTEXT_DEFAULTS = {"viewport": {"width": 1100, "height": 800}, "locale": "en-US", "bypass_csp": True}


def new_context(browser, **kwargs):
    """A fresh context (own storage) with the page defaults; kwargs override."""
    return browser.new_context(**(CONTEXT_DEFAULTS | kwargs))


def settle(page) -> None:
    """Wait until every image of the page has loaded or failed and the events that queued have run,
    so a handler that would fire (an injected onerror, say) has fired."""
    page.wait_for_function("() => [...document.images].every((img) => img.complete)")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
