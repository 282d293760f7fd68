"""Access code: a signed, expiring token for /talk (first version)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from werkzeug import Request, Response


def handle_unlock(r: Request, raw_settings: Mapping) -> Response:
    body = json.dumps({"code": "not_implemented", "message": "Access codes are not available yet.", "status": 404})
    return Response(body, status=404, content_type="application/json")
