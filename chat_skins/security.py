"""Response headers for every HTML page: a strict CSP with Trusted Types, framing rules, no sniffing."""

from __future__ import annotations

from functools import lru_cache

# 'self' is Dify's own origin (pages live at <dify>/e/<hook>/...), shared with the console: hence no
# inline script or style, no eval, and Trusted Types so any HTML sink must go through a policy.
_CSP_BASE = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
)
# The only policy the page creates: DOMPurify's own (made when it loads). Our code creates none, and a
# name listed here that nobody creates would be a free slot for an injected script.
TRUSTED_TYPES_POLICIES = ("dompurify",)

# Only features the browser recognizes: an unknown name is logged as a console error.
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def frame_ancestors(allowed_origins: tuple[str, ...] | None) -> str:
    """The `frame-ancestors` value: any site (None), no other site (empty), or the list plus the page's own origin."""
    if allowed_origins is None:
        return "*"
    # "none" still lets Dify's own origin frame the page: the gallery's previews are same-origin iframes,
    # and that origin can already script the page anyway.
    if not allowed_origins:
        return "'self'"
    return " ".join(("'self'", *allowed_origins))


def content_security_policy(allowed_origins: tuple[str, ...] | None) -> str:
    """The page's full Content-Security-Policy."""
    return "; ".join(
        (
            *_CSP_BASE,
            f"frame-ancestors {frame_ancestors(allowed_origins)}",
            "require-trusted-types-for 'script'",
            "trusted-types " + " ".join(TRUSTED_TYPES_POLICIES),
        )
    )


@lru_cache(maxsize=64)
def page_headers(allowed_origins: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    """Headers for an HTML response (cached: they depend only on `allowed_origins`)."""
    headers = [
        ("Content-Security-Policy", content_security_policy(allowed_origins)),
        ("X-Content-Type-Options", "nosniff"),
        # The page URL holds the hook id: no part of it leaves with requests or links.
        ("Referrer-Policy", "no-referrer"),
        # The HTML changes whenever the settings do; assets carry the long cache lifetimes.
        ("Cache-Control", "no-cache"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin-allow-popups"),
    ]
    if allowed_origins == ():
        headers.append(("X-Frame-Options", "SAMEORIGIN"))
    return tuple(headers)
