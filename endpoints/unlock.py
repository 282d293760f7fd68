from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.access import handle_unlock


class UnlockEndpoint(Endpoint):
    """POST /unlock: trades the access code for a signed, expiring token."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_unlock(r, settings)
