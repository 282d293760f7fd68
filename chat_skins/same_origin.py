"""The JSON APIs (/talk, /unlock) answer only Dify's own pages: browsers say where a request comes from."""

from __future__ import annotations

from collections.abc import Mapping

from chat_skins.errors import TalkError

# `Sec-Fetch-Site` values a browser sends when the request starts on our origin, or from the address bar.
_OWN = frozenset(("same-origin", "none"))


def foreign_site(sec_fetch_site: str | None) -> bool:
    """Whether a request with this `Sec-Fetch-Site` value comes from another site (or an unknown place).

    Only browsers send the header, and scripts cannot forge it; clients without it (curl, servers) are
    not a visitor's browser being used by a foreign page, so they pass.
    """
    if sec_fetch_site is None:
        return False
    value = sec_fetch_site.strip().lower()
    return bool(value) and value not in _OWN


def refuse_foreign_site(headers: Mapping[str, str]) -> None:
    """Raises `cross_site_request` (403) for a browser request that another site started."""
    if foreign_site(headers.get("Sec-Fetch-Site")):
        raise TalkError.of("cross_site_request")
