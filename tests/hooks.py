"""Moved to tests/support/hooks.py; this alias serves only tests/browser/test_embed.py until its split lands."""

from tests.support.hooks import *  # noqa: F403
