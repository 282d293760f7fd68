"""Response headers for every HTML page: a strict CSP with Trusted Types, framing rules, no sniffing."""

from __future__ import annotations

from functools import lru_cache

from chat_skins.origins import frame_ancestors

# 'self' is Dify's own origin (pages live at <dify>/e/<hook>/...), shared with the console: hence no
# inline script or style, no eval, and Trusted Types so any HTML sink must go through a policy.
_CSP_BASE = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    # Read-aloud plays the speak endpoint's audio from a blob: URL (docs/voice.md); audio and video
    # links in answers play in place (https only; preload none: nothing loads until played).
    "media-src 'self' blob: https:",
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

# Only features the browser recognizes: an unknown name is logged as a console error. The microphone is
# for voice input on our own pages only (`self` is the page's origin, also inside the embed's frame,
# whose `allow` attribute delegates it); no other origin, framed or not, gets it through us.
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(self), payment=(), usb=()"


def content_security_policy(allowed_origins: tuple[str, ...] | None, frame_src: str | None = None) -> str:
    """The page's full Content-Security-Policy; `frame_src` lets a page frame others (the gallery: 'self')."""
    return "; ".join(
        (
            *_CSP_BASE,
            *((f"frame-src {frame_src}",) if frame_src else ()),
            f"frame-ancestors {frame_ancestors(allowed_origins)}",
            "require-trusted-types-for 'script'",
            "trusted-types " + " ".join(TRUSTED_TYPES_POLICIES),
        )
    )


@lru_cache(maxsize=64)
def page_headers(allowed_origins: tuple[str, ...] | None, frame_src: str | None = None) -> tuple[tuple[str, str], ...]:
    """Headers for an HTML response (cached: they depend only on their arguments)."""
    headers = [
        ("Content-Security-Policy", content_security_policy(allowed_origins, frame_src)),
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
