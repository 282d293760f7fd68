from collections.abc import Mapping
from pathlib import Path

from dify_plugin import Endpoint
from werkzeug import Request, Response

# Read once: the pass-through baseline for asset benchmarks does no work per request.
_BODY = (Path(__file__).resolve().parent.parent / "files" / "baseline.css").read_bytes()


class StaticFileEndpoint(Endpoint):
    """GET /static-file: a fixed file, the pass-through baseline."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return Response(_BODY, status=200, content_type="text/css; charset=utf-8")
