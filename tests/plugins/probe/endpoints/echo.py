import hashlib
import json
from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class EchoEndpoint(Endpoint):
    """GET or POST /echo: what the plugin received, as JSON."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        body = r.get_data()
        data = {
            "method": r.method,
            "path": r.path,
            "query_string": r.query_string.decode(),
            "headers": [[k, v] for k, v in r.headers.items()],
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "settings": dict(settings),
            "endpoint_id": self.session.endpoint_id,
        }
        return Response(json.dumps(data), status=200, content_type="application/json")
