"""GET /diagram: the page that draws one mermaid or ECharts diagram inside a sandboxed iframe.

The chat page frames it with `sandbox="allow-scripts"`, and its own CSP carries `sandbox allow-scripts`
too, so it always runs with an opaque origin (even opened directly): a mistake in a diagram library
cannot reach Dify's origin, its storage or the chat page.
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug import Request, Response

from chat_skins import web
from chat_skins.assets import asset_url
from chat_skins.origins import frame_ancestors
from chat_skins.settings import Settings, settings_for

HTML = "text/html; charset=utf-8"
SCRIPT = "gen/frame/diagram.js"


def frame_csp(allowed_origins: tuple[str, ...] | None) -> str:
    """Scripts only from the plugin; inline styles allowed because mermaid writes them into its SVG."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src data:",
            "font-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            # The chat page frames this one: whoever may frame the chat page may frame it too.
            f"frame-ancestors {frame_ancestors(allowed_origins)}",
            "sandbox allow-scripts",
        )
    )


_bodies: web.BoundedCache[tuple, web.Body] = web.BoundedCache(8)


def render_diagram_frame(request: Request, raw_settings: Settings | Mapping | None) -> Response:
    """The frame page (the same for every diagram: the diagram itself arrives by postMessage)."""
    settings, _ = settings_for(raw_settings)
    script = asset_url(SCRIPT)
    body = _bodies.get_or_make(
        (script,),
        lambda: web.Body.of(web.jinja.get_template("diagram-frame.html").render(script=script).encode("utf-8")),
    )
    headers = (
        ("Content-Security-Policy", frame_csp(settings.allowed_origins)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    )
    return web.answer(request, body, HTML, headers)
