"""The chat page and its assets through the local host and the real SDK runtime."""

from __future__ import annotations

import pytest

from tests.support.hooks import ACCESS_HOOK, DEMO_HOOK, PARAMS_EMPTY_HOOK, REPLAY_HOOK
from tests.support.host_client import request
from tests.support.page_html import PageConfig


def page(host, hook: str, path: str = "/", **headers):
    reply = request(host.url(hook, path), headers=headers)
    return reply, PageConfig(reply.text())


def test_root_and_skin_paths_render_through_the_sdk(host):
    for path in ("/", "/minimal"):
        reply, doc = page(host, DEMO_HOOK, path)
        assert reply.status == 200, path
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "require-trusted-types-for 'script'" in reply.headers["Content-Security-Policy"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Cache-Control"] == "no-cache"
        assert doc.config["hookId"] == DEMO_HOOK
        assert doc.config["skin"] == "minimal"
        assert doc.config["botName"] == "Demo Bot"
        assert doc.config["appConfigured"] is True and doc.config["paramsUnavailable"] is False


def test_app_parameters_arrive_through_fetch_app(host):
    reply, doc = page(host, REPLAY_HOOK, "/minimal")
    assert reply.status == 200
    assert doc.config["welcome"].startswith("Hi! I'm your returns assistant")
    assert len(doc.config["suggestions"]) == 3
    assert [f["variable"] for f in doc.config["inputForm"]] == ["order_no", "topic", "notes", "items"]
    reply, doc = page(host, PARAMS_EMPTY_HOOK, "/")
    assert reply.status == 200
    assert doc.config["welcome"] == "" and doc.config["inputForm"] == []


def test_access_code_is_required_but_never_sent(host):
    reply, doc = page(host, ACCESS_HOOK, "/")
    assert reply.status == 200
    assert doc.config["accessRequired"] is True
    assert b"sesame" not in reply.body


def test_page_is_gzipped_when_the_browser_accepts_it(host):
    reply, doc = page(host, DEMO_HOOK, "/minimal", **{"Accept-Encoding": "gzip, deflate, br"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert doc.config is not None


def test_versioned_assets_are_immutable_gzipped_and_revalidate(host):
    _, doc = page(host, DEMO_HOOK, "/minimal")
    assert doc.assets, "the page references its assets"
    for url in doc.assets:
        assert "?v=" in url
        reply = request(host.url(DEMO_HOOK, "/" + url), headers={"Accept-Encoding": "gzip"})
        assert reply.status == 200, url
        assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert reply.headers["Content-Encoding"] == "gzip"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert len(reply.body) < 2 * 1024 * 1024
        again = request(
            host.url(DEMO_HOOK, "/" + url), headers={"Accept-Encoding": "gzip", "If-None-Match": reply.headers["ETag"]}
        )
        assert again.status == 304, url


@pytest.mark.parametrize(
    "path", ["/static/../manifest.yaml", "/static/%2e%2e/manifest.yaml", "/static/.env", "/static/x.py"]
)
def test_nothing_outside_static_through_the_host(host, path):
    reply = request(host.url(DEMO_HOOK, path))
    assert reply.status == 404
    assert b"version" not in reply.body
