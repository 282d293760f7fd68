"""Tabs in browser contexts that a worker's tests share, wiped after each test.

A fresh context per test costs a new renderer process and a cold HTTP cache (every script and stylesheet
fetched through the plugin again): seconds per page on a loaded two-core machine, most of a browser test.
A new tab in a shared context starts from the cached files. What a test leaves behind is removed after
it: its tabs, the storage of every origin it reached (local storage, IndexedDB, cookies...), permissions
and routes, so tests stay independent of each other and of their order.

Tests that change the context itself in ways that cannot be undone (init scripts) keep their own context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.support.chat_page import CONTEXT_DEFAULTS, new_context


class SharedContext:
    """One context; `tab()` opens a new page in it for one test and wipes what the test left afterwards."""

    def __init__(self, browser, **options):
        self.context = new_context(browser, **options)
        self._origins: set[str] = set()
        self.context.on("request", self._note)
        # A page that lives as long as the context: the CDP session that wipes storage runs on it.
        self._keeper = self.context.new_page()
        self._cdp = self.context.new_cdp_session(self._keeper)

    def _note(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            self._origins.add(f"{parts.scheme}://{parts.netloc}")

    @contextmanager
    def tab(self, viewport: dict | None = None, **media) -> Iterator:
        """A new page; `viewport` and media features (color_scheme, reduced_motion) for this page only."""
        # Again before: a closed tab's last storage writes can land after the wipe that followed it.
        self._clear_storage()
        page = self.context.new_page()
        try:
            if viewport:
                page.set_viewport_size(viewport)
            if media:
                page.emulate_media(**media)
            yield page
        finally:
            self.wipe()

    def wipe(self) -> None:
        """Close every page but the keeper and clear all that the visited origins stored."""
        for page in list(self.context.pages):
            if page is not self._keeper:
                page.close()
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.clear_cookies()
        self.context.clear_permissions()
        self._clear_storage()

    def _clear_storage(self) -> None:
        for origin in sorted(self._origins):
            self._cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})

    def close(self) -> None:
        self.context.close()


class Tabs:
    """The worker's shared contexts, one per set of context options (created on first use)."""

    def __init__(self, browser):
        self.browser = browser
        self._contexts: dict[tuple, SharedContext] = {}

    def context(self, **options) -> SharedContext:
        # Options new_context sets anyway name the same context as their absence.
        options = {k: v for k, v in options.items() if k not in CONTEXT_DEFAULTS or CONTEXT_DEFAULTS[k] != v}
        key = tuple(sorted((k, repr(v)) for k, v in options.items()))
        if key not in self._contexts:
            self._contexts[key] = SharedContext(self.browser, **options)
        return self._contexts[key]

    @contextmanager
    def tab(self, viewport: dict | None = None, color_scheme=None, reduced_motion=None, **options) -> Iterator:
        """A new page in the shared context of `options` (new_context's; locale, is_mobile...)."""
        media = {k: v for k, v in (("color_scheme", color_scheme), ("reduced_motion", reduced_motion)) if v}
        with self.context(**options).tab(viewport, **media) as page:
            yield page

    def close(self) -> None:
        for shared in self._contexts.values():
            shared.close()
        self._contexts.clear()
