from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response

from chat_skins.talk import handle_talk


class TalkEndpoint(Endpoint):
    """POST /talk: streams the chat app's answer as Dify Service API SSE frames."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_talk(
            r,
            settings,
            invoke=self.session.app.chat.invoke,
            fetch_app=self.session.app.fetch_app,
            storage=self.session.storage,
            endpoint_id=self.session.endpoint_id,
        )
