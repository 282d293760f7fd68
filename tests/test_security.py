"""Security headers of HTML pages (pure)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chat_skins.origins import frame_ancestors
from chat_skins.security import TRUSTED_TYPES_POLICIES, content_security_policy, page_headers
from chat_skins.settings import parse_settings


def directives(csp: str) -> dict[str, str]:
    out = {}
    for part in csp.split(";"):
        name, _, value = part.strip().partition(" ")
        assert name not in out, f"duplicate directive {name}"
        out[name] = value
    return out


def test_csp_directives():
    d = directives(content_security_policy(None))
    assert d == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https:",
        "media-src": "'self' blob: https:",
        "connect-src": "'self'",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "object-src": "'none'",
        "frame-ancestors": "*",
        "require-trusted-types-for": "'script'",
        "trusted-types": "dompurify",
    }


def test_no_unsafe_sources_anywhere():
    for allowed in (None, (), ("https://a.example",)):
        csp = content_security_policy(allowed)
        assert "unsafe" not in csp
        assert "nonce" not in csp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "*"),
        ("*", "*"),
        ("none", "'self'"),
        ("https://a.example, https://*.b.example", "'self' https://a.example https://*.b.example"),
        ("https://a.example/ http://localhost:8080", "'self' https://a.example http://localhost:8080"),
        # Nothing valid: a typo, treated as no restriction (see settings).
        ("javascript:alert(1)", "'self'"),
    ],
)
def test_frame_ancestors_follow_allowed_origins(raw, expected):
    assert frame_ancestors(parse_settings({"allowed_origins": raw}).allowed_origins) == expected


def test_hostile_allowed_origins_cannot_inject_directives():
    settings = parse_settings({"allowed_origins": "https://a.example; script-src 'unsafe-inline' https://b.example"})
    csp = content_security_policy(settings.allowed_origins)
    assert "unsafe-inline" not in csp
    assert directives(csp)["script-src"] == "'self'"
    assert directives(csp)["frame-ancestors"] == "'self' https://b.example"


def test_page_headers():
    headers = dict(page_headers(None))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-cache"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "X-Frame-Options" not in headers
    assert "X-Frame-Options" not in dict(page_headers(("https://a.example",)))


def test_no_framing_at_all_adds_x_frame_options():
    headers = dict(page_headers(()))
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self';" in headers["Content-Security-Policy"]


def test_trusted_types_lists_only_policies_that_are_created():
    # Ours (static/js) create none; DOMPurify, bundled into chat-page.js, creates its own when it loads.
    root = Path(__file__).resolve().parents[1]
    ours = set()
    for path in (root / "static" / "js").glob("*.js"):
        ours |= set(re.findall(r"createPolicy\(\s*[\"'`]([^\"'`]+)", path.read_text(encoding="utf-8")))
    purify = (root / "node_modules" / "dompurify" / "dist" / "purify.es.mjs").read_text(encoding="utf-8")
    assert 'const policyName = "dompurify"' in purify
    assert set(TRUSTED_TYPES_POLICIES) == ours | {"dompurify"}


@pytest.mark.parametrize(
    ("raw", "ancestors", "dropped"),
    [
        ("", "*", ()),
        ("*", "*", ()),
        ("none", "'self'", ()),
        # Nothing valid: only Dify itself may frame (it used to mean "any site").
        ("example.com", "'self'", ("example.com",)),
        ("https://example.com/embed", "'self'", ("https://example.com/embed",)),
        ("https://example.com;", "'self'", ("https://example.com;",)),
        ("https://a.example;https://b.example", "'self'", ("https://a.example;https://b.example",)),
        ("'self' javascript:alert(1) data:", "'self'", ("'self'", "javascript:alert(1)", "data:")),
        ("https://*.com", "'self'", ("https://*.com",)),
        ("https://a.example:70000", "'self'", ("https://a.example:70000",)),
        ("https://user@a.example", "'self'", ("https://user@a.example",)),
        ("https://a..example", "'self'", ("https://a..example",)),
        ("* https://a.example", "'self' https://a.example", ("*",)),
        ("https://A.example/ , shop.example", "'self' https://a.example", ("shop.example",)),
        ("https://a.example http://localhost:3000", "'self' https://a.example http://localhost:3000", ()),
    ],
)
def test_allowed_origins_fail_closed(raw, ancestors, dropped):
    settings = parse_settings({"allowed_origins": raw})
    assert directives(content_security_policy(settings.allowed_origins))["frame-ancestors"] == ancestors
    assert settings.origins_dropped == dropped
    headers = dict(page_headers(settings.allowed_origins))
    assert ("X-Frame-Options" in headers) == (ancestors == "'self'")


def test_dropped_origins_are_logged_once(caplog):
    raw = "https://ok.example typo.example/x"
    with caplog.at_level("WARNING", logger="chat_skins.settings"):
        for _ in range(3):
            parse_settings({"allowed_origins": raw})
    lines = [r.getMessage() for r in caplog.records if "allowed_origins" in r.getMessage()]
    assert len(lines) == 1 and "typo.example/x" in lines[0]
