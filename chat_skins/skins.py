"""The skin registry: the one list that endpoints, settings and tests all read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Skin:
    name: str
    label: str
    description: str
    # Light/dark color-scheme pair used by the browser before CSS loads.
    theme_color: tuple[str, str] = ("#ffffff", "#111318")


SKINS: tuple[Skin, ...] = (
    Skin(
        "minimal",
        "Minimal",
        "Quiet and typographic, with lots of space.",
        ("#ffffff", "#111318"),
    ),
)

DEFAULT_SKIN = "minimal"
BY_NAME: dict[str, Skin] = {s.name: s for s in SKINS}


def get_skin(name: str | None) -> Skin:
    """The named skin, or the default one for an unknown name."""
    return BY_NAME.get(name or "", BY_NAME[DEFAULT_SKIN])


def skin_for_path(path: str) -> str | None:
    """Which skin a page path asks for; None for the root (use the setting)."""
    name = path.strip("/")
    return name if name in BY_NAME else None
