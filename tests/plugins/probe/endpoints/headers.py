from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class HeadersEndpoint(Endpoint):
    """GET /headers: a response that sets the same header twice (only one value survives)."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        resp = Response("headers", status=201, content_type="text/plain")
        resp.headers.add("Set-Cookie", "first=1; Path=/")
        resp.headers.add("Set-Cookie", "second=2; Path=/")
        resp.headers.add("X-Probe", "a")
        resp.headers.add("X-Probe", "b")
        return resp
