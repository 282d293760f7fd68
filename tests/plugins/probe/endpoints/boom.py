from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class BoomEndpoint(Endpoint):
    """GET /boom: raises before responding."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        raise RuntimeError("probe exploded before responding")
