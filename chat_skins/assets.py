"""Static assets from static/ (first version: no versioning or compression yet)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from werkzeug import Request, Response
from werkzeug.security import safe_join

STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"


def serve_asset(r: Request, name: str) -> Response:
    path = safe_join(str(STATIC_ROOT), name)
    if path is None or not Path(path).is_file():
        return Response('{"code":"not_found","message":"No such file.","status":404}', 404, content_type="application/json")
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return Response(Path(path).read_bytes(), 200, content_type=mime)
