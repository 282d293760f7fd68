from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.diagram_frame import render_diagram_frame


class DiagramFrameEndpoint(Endpoint):
    """The sandboxed page that draws an answer's mermaid or ECharts diagram."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return render_diagram_frame(r, settings)
