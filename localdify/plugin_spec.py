"""What the host needs to know about a plugin: its settings form, endpoint paths and storage size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class EndpointRoute:
    path: str
    method: str
    hidden: bool


@dataclass(frozen=True)
class PluginSpec:
    root: Path
    name: str
    settings: tuple[dict[str, Any], ...]
    routes: tuple[EndpointRoute, ...]
    storage_size: int | None

    @property
    def page_paths(self) -> list[str]:
        """Paths Dify's endpoint panel would list (non-hidden), in group order."""
        return [r.path for r in self.routes if not r.hidden]


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_plugin_spec(root: Path | str) -> PluginSpec:
    """Read manifest.yaml, its single endpoint group and the group's endpoint files."""
    root = Path(root).resolve()
    manifest = _load_yaml(root / "manifest.yaml") or {}
    groups = ((manifest.get("plugins") or {}).get("endpoints")) or []
    if not groups:
        raise ValueError(f"{root / 'manifest.yaml'}: plugins.endpoints lists no endpoint group")
    # The daemon keeps only one endpoint group, so only the first one counts.
    group = _load_yaml(root / groups[0]) or {}
    routes = []
    for rel in group.get("endpoints") or []:
        data = _load_yaml(root / rel) or {}
        routes.append(
            EndpointRoute(
                path=str(data.get("path", "/")), method=str(data.get("method", "GET")), hidden=bool(data.get("hidden"))
            )
        )
    storage = ((manifest.get("resource") or {}).get("permission") or {}).get("storage") or {}
    size = storage.get("size") if storage.get("enabled") else None
    return PluginSpec(
        root=root,
        name=str(manifest.get("name", root.name)),
        settings=tuple(group.get("settings") or ()),
        routes=tuple(routes),
        storage_size=int(size) if size else None,
    )
