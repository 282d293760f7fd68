"""The one rule for Dify ids: UUIDs, as Dify's app selector stores app ids and its API returns conversation ids."""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: object) -> bool:
    """Whether `value` is a UUID in its canonical text form (any case)."""
    return isinstance(value, str) and _UUID.match(value) is not None


def is_app_id(value: object) -> bool:
    """Whether `value` can be a Dify app id (anything else is a misconfiguration, never sent upstream)."""
    return is_uuid(value)
