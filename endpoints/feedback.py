from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.feedback import handle_feedback


class FeedbackEndpoint(Endpoint):
    """POST feedback stores a visitor's vote on an answer; GET feedback exports the votes (bearer key)."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_feedback(r, settings, storage=self.session.storage, endpoint_id=self.session.endpoint_id)
