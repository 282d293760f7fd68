"""GET /static/<path:name>: containment, types, versioned caching, ETags and gzip (in-process)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os

import pytest
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import assets

JS = b"console.log('hello');\n" * 40


def request(path: str = "/", query: dict | None = None, headers: dict | None = None) -> Request:
    return Request(EnvironBuilder(path=path, query_string=query or {}, headers=headers or {}).get_environ())


@pytest.fixture
def static(tmp_path, monkeypatch):
    """A private static/ tree, with a secret next to it that must stay unreachable."""
    root = tmp_path / "static"
    (root / "gen" / "skins").mkdir(parents=True)
    (root / "gen" / "chat-page.js").write_bytes(JS)
    (root / "gen" / "skins" / "minimal.css").write_bytes(b":root{--cs-accent:#2563eb}\n" * 30)
    (root / "icon.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>' * 10)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (root / "font.woff2").write_bytes(b"wOF2" + b"\x00" * 64)
    (root / "data.json").write_bytes(b'{"a": 1}')
    (root / "gen" / "chat-page.js.map").write_bytes(b'{"version":3}')
    (root / ".env").write_bytes(b"SECRET=1")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.js").write_bytes(b"x")
    (root / "page.html").write_bytes(b"<script>alert(1)</script>")
    (root / "big.js").write_bytes(b"x" * (assets.MAX_ASSET_BYTES + 1))
    (tmp_path / "secret.js").write_bytes(b"secret")
    os.symlink(tmp_path / "secret.js", root / "link.js")
    monkeypatch.setattr(assets, "STATIC_ROOT", root)
    monkeypatch.setattr(assets, "_cache", {})
    return root


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("gen/chat-page.js", "text/javascript; charset=utf-8"),
        ("gen/skins/minimal.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
        ("logo.png", "image/png"),
        ("font.woff2", "font/woff2"),
        ("data.json", "application/json"),
        ("gen/chat-page.js.map", "application/json"),
    ],
)
def test_content_types(static, name, content_type):
    response = assets.serve_asset(request(), name)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == (static / name).read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "../secret.js",
        "gen/../../secret.js",
        "/etc/passwd",
        "gen//chat-page.js",
        ".env",
        ".hidden/x.js",
        "gen/./chat-page.js",
        "gen\\chat-page.js",
        "gen/chat-page.js\x00",
        "page.html",
        "link.js",
        "missing.js",
        "gen",
        "",
        "big.js",
        "a" * 400 + ".js",
    ],
)
def test_nothing_outside_static_or_unlisted_is_served(static, name):
    response = assets.serve_asset(request(), name)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.get_data()) == {"code": "not_found", "message": "No such file.", "status": 404}


def test_asset_url_is_relative_and_content_versioned(static):
    assert assets.asset_url("gen/chat-page.js") == f"static/gen/chat-page.js?v={digest(JS)}"
    assert assets.asset_url("missing.js") == "static/missing.js"


def test_matching_version_is_immutable_and_other_versions_are_not(static):
    good = assets.serve_asset(request(query={"v": digest(JS)}), "gen/chat-page.js")
    assert good.status_code == 200
    assert good.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for query in ({}, {"v": "000000000000"}):
        other = assets.serve_asset(request(query=query), "gen/chat-page.js")
        assert other.status_code == 200
        assert other.headers["Cache-Control"] == "no-cache"


def test_strong_etag_and_304(static):
    first = assets.serve_asset(request(), "gen/chat-page.js")
    etag = first.headers["ETag"]
    assert etag == f'"{digest(JS)}"'
    again = assets.serve_asset(request(headers={"If-None-Match": etag}), "gen/chat-page.js")
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    stale = assets.serve_asset(request(headers={"If-None-Match": '"000000000000"'}), "gen/chat-page.js")
    assert stale.status_code == 200


def test_gzip_when_accepted(static):
    response = assets.serve_asset(request(headers={"Accept-Encoding": "gzip, deflate, br"}), "gen/chat-page.js")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["ETag"] == f'"{digest(JS)}-gz"'
    body = response.get_data()
    assert gzip.decompress(body) == JS
    assert int(response.headers["Content-Length"]) == len(body) < len(JS)
    # Whole body, not a stream: the SDK sends it in one message.
    assert isinstance(response.response, list)
    revalidated = assets.serve_asset(
        request(headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}), "gen/chat-page.js"
    )
    assert revalidated.status_code == 304


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_no_gzip_when_not_accepted(static, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    response = assets.serve_asset(request(headers=headers), "gen/chat-page.js")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == JS
    assert response.headers["Vary"] == "Accept-Encoding"


def test_binary_types_are_not_gzipped(static):
    response = assets.serve_asset(request(headers={"Accept-Encoding": "gzip"}), "logo.png")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert "Vary" not in response.headers


def test_svg_cannot_run_script_when_opened_directly(static):
    response = assets.serve_asset(request(), "icon.svg")
    assert response.status_code == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_hash_is_cached_and_follows_a_rebuild(static):
    first = assets.asset("gen/chat-page.js")
    assert assets.asset("gen/chat-page.js") is first
    path = static / "gen" / "chat-page.js"
    path.write_bytes(b"console.log('rebuilt');")
    os.utime(path, ns=(first.stamp[0] + 10**9, first.stamp[0] + 10**9))
    before = assets.generation()
    # Pages keep the URL they know (no disk access per render) until the file is served again.
    assert assets.asset_url("gen/chat-page.js") == f"static/gen/chat-page.js?v={first.digest}"
    response = assets.serve_asset(request(query={"v": first.digest}), "gen/chat-page.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.get_data() == b"console.log('rebuilt');"
    assert assets.asset_url("gen/chat-page.js") == f"static/gen/chat-page.js?v={digest(b"console.log('rebuilt');")}"
    assert assets.generation() > before


def test_real_static_tree_is_served():
    # The repository's own stylesheet of the default skin exists in the source tree.
    response = assets.serve_asset(request(headers={"Accept-Encoding": "gzip"}), "css/skins/minimal.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
