"""The Chromium the browser tests drive (Debian's, through Playwright) and how it is launched.

This module alone decides whether browser tests can run: without Chromium they are skipped, with the reason.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """$CHROMIUM, else chromium on PATH, else Debian's default location; None when none of them exists."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        where = os.environ.get("CHROMIUM") or "PATH or /usr/bin/chromium"
        return f"Chromium not found ({where}); `make test` installs it"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed; `make test` installs the dev dependencies"
    return None


def require_chromium() -> str:
    """The Chromium path, or skip the calling test with the reason it cannot run."""
    import pytest

    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    return chromium_path()


def launch(playwright, **kwargs):
    """A headless Chromium with the suite's arguments (kwargs override Playwright's launch options)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(missing_reason())
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True, **kwargs)
