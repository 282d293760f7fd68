import io
from collections.abc import Mapping

from dify_plugin import Endpoint
from dify_plugin.entities.model.speech2text import Speech2TextModelConfig
from werkzeug import Request, Response

from chat_skins.settings import ModelRef
from chat_skins.voice import handle_listen


class ListenEndpoint(Endpoint):
    """POST /listen: transcribes a recording with the workspace's speech-to-text model."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_listen(r, settings, transcribe=self._transcribe)

    def _transcribe(self, model: ModelRef, audio: bytes) -> str:
        config = Speech2TextModelConfig(provider=model.provider, model=model.model)
        return self.session.model.speech2text.invoke(config, io.BytesIO(audio))
