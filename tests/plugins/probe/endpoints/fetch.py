import json
from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class FetchEndpoint(Endpoint):
    """GET /fetch: the app's parameters via fetch_app."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        app_id = r.args.get("app_id") or (settings.get("app") or {}).get("app_id", "")
        try:
            data = self.session.app.fetch_app(app_id)
        except Exception as exc:
            return Response(json.dumps({"exception": str(exc)}), status=502, content_type="application/json")
        return Response(json.dumps(data), status=200, content_type="application/json")
