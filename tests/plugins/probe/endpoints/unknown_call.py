import json
from collections.abc import Mapping

from dify_plugin import Endpoint
from dify_plugin.core.entities.invocation import InvokeType
from werkzeug import Request, Response


class UnknownCallEndpoint(Endpoint):
    """GET /unknown-call: a backwards call type the local host does not serve."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        try:
            list(self.session.storage._backwards_invoke(InvokeType.Rerank, dict, {}))
        except Exception as exc:
            return Response(json.dumps({"exception": str(exc)}), status=200, content_type="application/json")
        return Response(json.dumps({"exception": None}), status=200, content_type="application/json")
