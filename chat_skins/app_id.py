"""The one rule for a Dify app id: a UUID, as Dify's app selector stores it."""

from __future__ import annotations

import re

_APP_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_app_id(value: object) -> bool:
    """Whether `value` can be a Dify app id (anything else is a misconfiguration, never sent upstream)."""
    return isinstance(value, str) and _APP_ID.match(value) is not None
