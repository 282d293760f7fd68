"""The diagram frame (GET /diagram) and the files it loads: its CSP keeps it sandboxed, its scripts are
readable from its opaque origin, chunks are immutable, and every built file fits through the daemon."""

from __future__ import annotations

import re

from werkzeug import Request
from werkzeug.test import EnvironBuilder

from chat_skins import assets
from chat_skins.diagram_frame import SCRIPT, frame_csp, render_diagram_frame
from chat_skins.pages import render_page
from chat_skins.web import STATIC_ROOT

SETTINGS = {"app": {"app_id": "a", "inputs": {}, "files": []}}


def request(path: str, query: dict | None = None, headers: dict | None = None) -> Request:
    return Request(EnvironBuilder(path=path, query_string=query or {}, headers=headers or {}).get_environ())


def csp_of(response) -> dict[str, str]:
    parts = [p.strip() for p in response.headers["Content-Security-Policy"].split(";")]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


def test_the_frame_page_is_sandboxed_by_its_own_csp_and_loads_only_the_plugins_script():
    response = render_diagram_frame(request("/diagram"), SETTINGS)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    csp = csp_of(response)
    # Opened directly it is still an opaque origin without forms, popups or same-origin access.
    assert csp["sandbox"] == "allow-scripts"
    assert csp["default-src"] == "'none'"
    assert csp["script-src"] == "'self'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["img-src"] == "data:"
    assert "connect-src" not in csp  # default-src 'none': no fetch of any kind
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    body = response.get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert scripts == [assets.asset_url(SCRIPT)]
    assert scripts[0].startswith("static/gen/frame/diagram.js?v=")  # relative: the page lives under /e/<hook>/
    assert "<script>" not in body


def test_who_may_frame_it_follows_the_allowed_origins_setting():
    assert "frame-ancestors 'self'" in frame_csp(())
    assert "frame-ancestors 'self' https://shop.example" in frame_csp(("https://shop.example",))
    assert "frame-ancestors *" in frame_csp(None)
    response = render_diagram_frame(request("/diagram"), {**SETTINGS, "allowed_origins": "https://shop.example"})
    assert csp_of(response)["frame-ancestors"] == "'self' https://shop.example"


def test_the_chat_page_may_frame_the_plugins_pages_only():
    response = render_page(request("/minimal"), SETTINGS)
    assert response.status_code == 200
    assert csp_of(response)["frame-src"] == "'self'"


def test_frame_scripts_are_readable_from_an_opaque_origin_and_hashed_chunks_are_immutable():
    chunks = sorted(p.name for p in (STATIC_ROOT / "gen" / "frame").glob("chunk-*.js"))
    assert chunks, "the build made no frame chunks"
    response = assets.serve_asset(request(f"/static/gen/frame/{chunks[0]}"), f"gen/frame/{chunks[0]}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == assets.IMMUTABLE
    entry = assets.serve_asset(request("/static/gen/frame/diagram.js"), "gen/frame/diagram.js")
    assert entry.status_code == 200
    assert entry.headers["Cache-Control"] == "no-cache"  # unversioned name: revalidated
    # Other assets stay same-origin only.
    page_js = assets.serve_asset(request("/static/gen/chat-page.js"), "gen/chat-page.js")
    assert "Access-Control-Allow-Origin" not in page_js.headers


def test_every_built_file_fits_under_the_asset_limit():
    sizes = {str(p.relative_to(STATIC_ROOT)): p.stat().st_size for p in (STATIC_ROOT / "gen").rglob("*.js")}
    assert {"gen/lazy/maths.js", "gen/lazy/highlight.js", "gen/lazy/diagrams.js", "gen/frame/diagram.js"} <= set(sizes)
    too_big = {name: size for name, size in sizes.items() if size > assets.MAX_ASSET_BYTES}
    assert too_big == {}
