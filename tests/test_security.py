"""Security headers of HTML pages (pure)."""

from __future__ import annotations

import pytest

from chat_skins.security import content_security_policy, frame_ancestors, page_headers
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
        "connect-src": "'self'",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "object-src": "'none'",
        "frame-ancestors": "*",
        "require-trusted-types-for": "'script'",
        "trusted-types": "dompurify chat-skins",
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
        ("javascript:alert(1)", "*"),
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
