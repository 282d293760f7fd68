"""What a served chat page carries: the config of #cs-app and the URLs of its assets."""

from __future__ import annotations

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
