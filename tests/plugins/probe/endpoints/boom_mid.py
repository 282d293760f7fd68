from collections.abc import Generator, Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class BoomMidEndpoint(Endpoint):
    """GET /boom-mid?first=1: a generator that raises (after one chunk unless first=0)."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        first = r.args.get("first", "1") == "1"

        def gen() -> Generator[bytes, None, None]:
            if first:
                yield b"partial answer\n"
            raise RuntimeError("probe exploded mid-stream")

        return Response(gen(), status=200, content_type="text/plain")
