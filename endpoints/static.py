from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.assets import serve_asset


class StaticEndpoint(Endpoint):
    """Versioned, compressed, immutable assets under static/."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return serve_asset(r, values.get("name", ""))
