import json
from collections.abc import Generator, Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class PassthroughEndpoint(Endpoint):
    """POST /passthrough {"query", "conversation_id", "response_mode"}: the chat app's chunks as SSE, unprocessed."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        body = json.loads(r.get_data() or b"{}")
        app = settings.get("app") or {}
        kwargs = {
            "app_id": body.get("app_id") or app.get("app_id", ""),
            "query": body.get("query", ""),
            "inputs": body.get("inputs", app.get("inputs") or {}),
            "conversation_id": body.get("conversation_id"),
            "user": body.get("user"),
        }
        invoke = self.session.app.chat.invoke
        if body.get("response_mode") == "blocking":
            try:
                answer = invoke(response_mode="blocking", **kwargs)
            except Exception as exc:
                return Response(json.dumps({"exception": str(exc)}), status=502, content_type="application/json")
            return Response(json.dumps(answer), status=200, content_type="application/json")

        def gen() -> Generator[bytes, None, None]:
            try:
                for chunk in invoke(response_mode="streaming", **kwargs):
                    yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
            except Exception as exc:
                yield b"event: exception\ndata: " + json.dumps({"message": str(exc)}).encode() + b"\n\n"

        return Response(gen(), status=200, content_type="text/event-stream")
