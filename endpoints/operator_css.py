from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.custom_css import serve_custom_css


class OperatorCssEndpoint(Endpoint):
    """The operator's `custom_css`, checked, as a same-origin stylesheet the pages link after the skin's."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return serve_custom_css(r, settings)
