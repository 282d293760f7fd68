"""Shared fixtures: local Dify hosts running the real plugin (and the probe plugin) through the SDK runtime."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, settings

from localdify import Host
from tests.support.fixtures import PROBE_DIR, REPO_ROOT

# The suite runs on small shared machines: slow input generation or a slow example is load, not a bug.
from tests.support.hooks import HOST_CONFIG, PROBE_CONFIG

# The suite runs on small shared machines: slow input generation or a slow example is load, not a bug.
settings.register_profile("shared-machine", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("shared-machine")


@pytest.fixture(scope="session")
def host() -> Iterator[Host]:
    """The plugin under test behind a local Dify host (hooks in tests/support/hooks.py)."""
    with Host(HOST_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


@pytest.fixture(scope="session")
def probe_host() -> Iterator[Host]:
    """The test-only probe plugin behind a local Dify host."""
    with Host(PROBE_CONFIG, plugin_dir=PROBE_DIR) as h:
        yield h


@pytest.fixture
def make_host() -> Iterator[Callable[..., Host]]:
    """Start a Host from a config dict: make_host(config, plugin_dir=REPO_ROOT, **kw); stopped after the test."""
    started: list[Host] = []

    def factory(config: dict, plugin_dir=REPO_ROOT, **kwargs) -> Host:
        h = Host(config, plugin_dir=plugin_dir, **kwargs)
        h.start()
        started.append(h)
        return h

    yield factory
    for h in reversed(started):
        h.stop()
