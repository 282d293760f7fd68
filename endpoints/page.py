from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.pages import render_page


class PageEndpoint(Endpoint):
    """A skin's chat page (also the default skin at `/`)."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return render_page(r, settings, fetch_app=self.session.app.fetch_app)
