import time
from collections.abc import Generator, Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class SlowEndpoint(Endpoint):
    """GET /slow?n=3&delay=0.2&first=0: n chunks, a pause before the first and between each."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        n = int(r.args.get("n", "3"))
        delay = float(r.args.get("delay", "0.2"))
        first = float(r.args.get("first", "0"))

        def gen() -> Generator[bytes, None, None]:
            time.sleep(first)
            for i in range(n):
                if i:
                    time.sleep(delay)
                yield f"chunk-{i} {time.time():.6f}\n".encode()

        return Response(gen(), status=200, content_type="text/plain")
