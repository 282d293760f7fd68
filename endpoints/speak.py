from collections.abc import Generator, Mapping

from dify_plugin import Endpoint
from dify_plugin.entities.model.tts import TTSModelConfig
from werkzeug import Request, Response

from chat_skins.settings import ModelRef
from chat_skins.voice import handle_speak


class SpeakEndpoint(Endpoint):
    """POST /speak: reads a text aloud with the workspace's TTS model, streaming its audio."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        return handle_speak(r, settings, synthesize=self._synthesize)

    def _synthesize(self, model: ModelRef, voice: str, text: str) -> Generator[bytes, None, None]:
        config = TTSModelConfig(provider=model.provider, model=model.model, voice=voice)
        return self.session.model.tts.invoke(config, content_text=text)
