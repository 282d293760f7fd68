from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.access import handle_unlock


class UnlockEndpoint(Endpoint):
    """POST /unlock: trades the access code (or a valid token) for a signed, expiring token and the page's content."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_unlock(
            r,
            settings,
            storage=self.session.storage,
            endpoint_id=self.session.endpoint_id,
            fetch_app=self.session.app.fetch_app,
        )
