"""Operator settings (issue 15) through the local host and the real SDK runtime: the stylesheet route,
the page linking it only when set, the logo, the config's timestamps/memory/prefill."""

from __future__ import annotations

import base64
import gzip
from urllib.parse import urlencode

import pytest

from chat_skins.custom_css import custom_css
from localdify import Host
from tests.support.fixtures import REPO_ROOT
from tests.support.hooks import (
    OP_BAD_CSS_HOOK,
    OP_CONFIG,
    OP_CSS,
    OP_LOGO,
    OP_NONE_HOOK,
    OP_PLAIN_HOOK,
    OP_STYLED_HOOK,
    OP_TAB_HOOK,
)
from tests.support.host_client import request
from tests.support.page_html import PageConfig


@pytest.fixture(scope="module")
def op_host():
    with Host(OP_CONFIG, plugin_dir=REPO_ROOT) as h:
        yield h


def page(host, hook: str, path: str = "/", query: str = ""):
    reply = request(host.url(hook, path) + query)
    assert reply.status == 200
    return reply, PageConfig(reply.text())


def test_the_stylesheet_route_serves_the_checked_css_with_its_headers(op_host):
    reply, doc = page(op_host, OP_STYLED_HOOK, "/minimal")
    url = doc.config["customCss"]
    assert url == custom_css(OP_CSS).url and url.startswith("operator.css?v=")
    html = reply.text()
    assert f'href="{url}"' in html
    assert html.index("gen/skins/minimal.css") < html.index(f'href="{url}"')
    # Relative to the page: /e/<hook>/operator.css whatever skin path the page was opened at.
    css = request(op_host.url(OP_STYLED_HOOK, "/" + url))
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert OP_CSS in css.text()
    # The page's CSP is what it always was: the stylesheet is same-origin, so `style-src 'self'` covers it.
    assert "style-src 'self';" in reply.headers["Content-Security-Policy"] + ";"
    assert "unsafe-inline" not in reply.headers["Content-Security-Policy"]
    stale = request(op_host.url(OP_STYLED_HOOK, "/operator.css?v=000000000000"))
    assert stale.status == 200 and stale.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("hook", [OP_PLAIN_HOOK, OP_BAD_CSS_HOOK])
def test_no_link_and_a_json_404_without_a_usable_stylesheet(op_host, hook):
    reply, doc = page(op_host, hook)
    assert doc.config["customCss"] is None
    assert "operator.css" not in reply.text()
    css = request(op_host.url(hook, "/operator.css"))
    assert css.status == 404
    assert css.headers["Content-Type"] == "application/json"
    assert css.json()["code"] == "not_found"


def test_logo_replaces_the_header_avatar(op_host):
    reply, doc = page(op_host, OP_STYLED_HOOK)
    html = reply.text()
    assert doc.config["logoUrl"] == OP_LOGO
    header = html[html.index('<header class="cs-header"') : html.index("</header>")]
    assert f'<img src="{OP_LOGO}" alt="" referrerpolicy="no-referrer"' in header
    assert "data-cs-avatar" not in header
    reply, doc = page(op_host, OP_PLAIN_HOOK)
    assert doc.config["logoUrl"] is None and "data-cs-logo" not in reply.text()


def test_timestamps_and_memory_reach_the_page(op_host):
    assert page(op_host, OP_STYLED_HOOK)[1].config["timestamps"] is True
    assert page(op_host, OP_PLAIN_HOOK)[1].config["timestamps"] is False
    assert page(op_host, OP_STYLED_HOOK)[1].config["memory"] == "browser"
    assert page(op_host, OP_TAB_HOOK)[1].config["memory"] == "tab"
    assert page(op_host, OP_NONE_HOOK)[1].config["memory"] == "none"


def test_prefill_from_both_url_forms_checked_against_the_apps_form(op_host):
    dify = base64.b64encode(gzip.compress(b"Brief")).decode()
    query = "?" + urlencode({"q": "Hello there", "send": "1", "inputs.name": "Ada", "tone": dify, "inputs.x": "y"})
    _, doc = page(op_host, OP_STYLED_HOOK, "/kawaii", query)
    assert doc.config["prefill"] == {
        "q": "Hello there",
        "send": True,
        "inputs": {"name": "Ada", "tone": "Brief"},
        "keys": ["q", "send", "inputs.name", "inputs.x", "tone"],
    }
    _, doc = page(op_host, OP_STYLED_HOOK, "/", "?" + urlencode({"inputs.tone": "Shouty"}))
    assert doc.config["prefill"] is None
