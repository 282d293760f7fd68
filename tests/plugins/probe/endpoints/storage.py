import json
from collections.abc import Mapping

from dify_plugin import Endpoint
from werkzeug import Request, Response


class StorageEndpoint(Endpoint):
    """POST /storage {"op": set|get|exist|delete, "key": ..., "value": ...}: one storage call."""

    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        body = json.loads(r.get_data() or b"{}")
        op, key = body.get("op"), body.get("key", "")
        storage = self.session.storage
        try:
            if op == "set":
                value = body.get("value", "")
                if "repeat" in body:
                    value = value * int(body["repeat"])
                storage.set(key, value.encode())
                result = "ok"
            elif op == "get":
                result = storage.get(key).decode()
            elif op == "exist":
                result = storage.exist(key)
            elif op == "delete":
                storage.delete(key)
                result = "ok"
            else:
                return Response(json.dumps({"error": f"bad op {op}"}), status=400, content_type="application/json")
        except Exception as exc:
            return Response(json.dumps({"error": str(exc)}), status=400, content_type="application/json")
        return Response(json.dumps({"result": result}), status=200, content_type="application/json")
