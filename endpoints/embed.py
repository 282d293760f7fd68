from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.embed import serve_embed_script


class EmbedScriptEndpoint(Endpoint):
    """The one-line embed script for any website: a chat bubble that opens a skin."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return serve_embed_script(r, settings)
