"""GET /embed.js through the local Dify host and the SDK runtime: listed, compressed, cached, themed."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

from tests.support.hooks import DEMO_HOOK


def fetch(url: str, **headers: str):
    req = urllib.request.Request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_embed_script_is_listed_in_the_endpoint_panel(host):
    assert host.url(DEMO_HOOK, "/embed.js") in host.page_urls(DEMO_HOOK)


def test_embed_script_through_the_runtime(host):
    url = host.url(DEMO_HOOK, "/embed.js")
    status, headers, body = fetch(url, Accept_Encoding="gzip")
    assert status == 200
    assert headers["Content-Type"].startswith("application/javascript")
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # What a visitor's browser downloads stays within the budget.
    assert len(body) < 5 * 1024
    script = gzip.decompress(body).decode()
    # The demo endpoint's bot name became the bubble's default label.
    assert '"name": "Demo Bot"' in script and '"openChat": "Open chat"' in script
    assert "__CHATSKINS_DEFAULTS__" not in script

    status, headers304, body304 = fetch(url, Accept_Encoding="gzip", If_None_Match=headers["ETag"])
    assert status == 304
    assert body304 == b""
    assert headers304["ETag"] == headers["ETag"]

    status, plain_headers, plain = fetch(url)
    assert status == 200
    assert "Content-Encoding" not in plain_headers
    assert plain.decode() == script
