from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.gallery import render_gallery


class GalleryEndpoint(Endpoint):
    """The skin gallery: every skin previewed, with copyable links and snippets."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return render_gallery(r, settings)
