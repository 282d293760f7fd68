"""A local stand-in for Dify and its plugin daemon: runs the plugin over stdio and serves its endpoints."""

from localdify.config import ConfigError, derive_hook_id
from localdify.host import Host

__all__ = ["ConfigError", "Host", "derive_hook_id"]
