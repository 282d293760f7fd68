"""What a served chat page carries: the config of #cs-app and the URLs of its assets."""

from __future__ import annotations

import html as htmlmod
import json
from html.parser import HTMLParser


class PageConfig(HTMLParser):
    """`config`: data-config of #cs-app (None when absent); `assets`: every static/ URL of the page."""

    def __init__(self, html: str):
        super().__init__()
        self.config: dict | None = None
        self.assets: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "cs-app":
            self.config = json.loads(a["data-config"])
        for name in ("src", "href"):
            if (a.get(name) or "").startswith("static/"):
                self.assets.append(a[name])


def patch_config(page, changes: dict) -> None:
    """Serve the chat page with `changes` merged into its data-config (stands in for hostile settings)."""

    def handle(route):
        response = route.fetch()
        body = response.text()
        start = body.index('data-config="') + len('data-config="')
        end = body.index('"', start)
        config = json.loads(htmlmod.unescape(body[start:end])) | changes
        body = body[:start] + htmlmod.escape(json.dumps(config), quote=True) + body[end:]
        route.fulfill(response=response, body=body, headers={**response.headers, "content-encoding": "identity"})

    page.route("**/minimal", handle)
