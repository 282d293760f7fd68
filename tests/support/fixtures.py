"""Where the tests find the repository, the probe plugin and the shared Dify fixtures."""

from __future__ import annotations

from pathlib import Path

from localdify.apps.replay import shared_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE_DIR = REPO_ROOT / "tests" / "plugins" / "probe"


def shared_fixtures() -> Path:
    """The shared fixture directory; its absence is a broken checkout, so it fails loudly rather than skipping."""
    root = shared_dir(REPO_ROOT) / "fixtures"
    if not (root / "dify-streams").is_dir() or not (root / "app-parameters").is_dir():
        raise FileNotFoundError(
            f"the shared Dify fixtures are missing: expected {root} with dify-streams/ and app-parameters/ "
            "(set CHAT_SKINS_SHARED to the directory that holds fixtures/)"
        )
    return root


_SUBDIRS = {"FIXTURES": "", "STREAMS": "dify-streams", "PARAMS": "app-parameters"}


def __getattr__(name: str) -> Path:
    # FIXTURES, STREAMS, PARAMS resolve on first import of them, so a module that needs only
    # REPO_ROOT or PROBE_DIR (the benchmarks) does not require the shared fixtures.
    if name in _SUBDIRS:
        return shared_fixtures() / _SUBDIRS[name]
    raise AttributeError(name)
