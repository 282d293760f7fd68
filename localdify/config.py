"""The host's YAML config: chat apps, endpoint instances and their settings, checked like Dify does on save."""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from localdify.plugin_spec import PluginSpec

HOOK_ID = re.compile(r"^[a-z0-9]{16}$")
BACKENDS = ("demo", "replay", "dify", "paced")
DEFAULT_APPS = {"demo-chat": {"backend": "demo"}}
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_APP_NS = uuid.UUID("0b6f3d52-7c1e-4a8d-9f25-6e4a1c3b7d90")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ConfigError(ValueError):
    """The config file cannot be served as written."""


@dataclass
class EndpointInstance:
    hook_id: str
    name: str
    settings: dict[str, Any]


@dataclass
class HostConfig:
    apps: dict[str, dict[str, Any]]
    endpoints: list[EndpointInstance]
    storage_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def derive_hook_id(name: str) -> str:
    """A stable 16-char [a-z0-9] id from an endpoint name (Dify's ids are random; ours survive restarts)."""
    n = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(16):
        n, rem = divmod(n, 36)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def app_uuid(name: str) -> str:
    """Dify's app ids are UUIDs: a config's app name becomes a stable one (a UUID stays as written)."""
    if _UUID.match(name):
        return name.lower()
    return str(uuid.uuid5(_APP_NS, name))


def read_config(source: dict | str | Path) -> dict[str, Any]:
    """A config dict from a dict (copied) or a YAML file."""
    if isinstance(source, dict):
        return copy.deepcopy(source)
    path = Path(source)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with 'apps' and 'endpoints'")
    return data


def _check_app(app_id: str, app: Any) -> dict[str, Any]:
    if not isinstance(app, dict):
        raise ConfigError(f"apps.{app_id}: must be a mapping such as {{backend: demo}}")
    app = dict(app)
    app.setdefault("backend", "demo")
    if app["backend"] not in BACKENDS:
        raise ConfigError(f"apps.{app_id}.backend: {app['backend']!r} is not one of {', '.join(BACKENDS)}")
    return app


def parse_config(source: dict | str | Path, spec: PluginSpec) -> HostConfig:
    """Validate the whole config against the plugin's settings form."""
    data = read_config(source)
    unknown = set(data) - {"apps", "endpoints", "storage"}
    if unknown:
        raise ConfigError(f"unknown top-level key(s): {', '.join(sorted(unknown))} (expected apps, endpoints, storage)")
    raw_apps = data.get("apps") or copy.deepcopy(DEFAULT_APPS)
    if not isinstance(raw_apps, dict):
        raise ConfigError("apps: must be a mapping of app id to app options")
    # Keyed by UUID, as Dify's app ids are; each keeps its name from the config for messages.
    apps = {app_uuid(str(k)): {**_check_app(str(k), v), "name": str(k)} for k, v in raw_apps.items()}
    if len(apps) != len(raw_apps):
        raise ConfigError("apps: two apps map to the same id")

    raw_endpoints = data.get("endpoints")
    if not raw_endpoints:
        first_app = next(iter(apps))
        raw_endpoints = [{"name": "Demo", "settings": {"app": {"app_id": first_app, "inputs": {}, "files": []}}}]
    if not isinstance(raw_endpoints, list):
        raise ConfigError("endpoints: must be a list of endpoint instances")

    endpoints: list[EndpointInstance] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_endpoints):
        where = f"endpoints[{i}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: must be a mapping with name, settings and an optional hook_id")
        extra = set(raw) - {"name", "hook_id", "settings"}
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        name = str(raw.get("name") or f"endpoint-{i + 1}")
        hook_id = raw.get("hook_id") or derive_hook_id(name)
        if not isinstance(hook_id, str) or not HOOK_ID.match(hook_id):
            raise ConfigError(f"{where}.hook_id: {hook_id!r} must be 16 lowercase letters and digits, like Dify's")
        if hook_id in seen:
            raise ConfigError(f"{where}.hook_id: {hook_id} is used twice")
        seen.add(hook_id)
        settings = validate_settings(raw.get("settings") or {}, spec, apps, where=f"{where}.settings")
        endpoints.append(EndpointInstance(hook_id=hook_id, name=name, settings=settings))

    storage = data.get("storage") or {}
    if not isinstance(storage, dict):
        raise ConfigError("storage: must be a mapping such as {path: var/localdify.sqlite3}")
    return HostConfig(apps=apps, endpoints=endpoints, storage_path=storage.get("path"))


def _options(field_def: dict[str, Any]) -> list[str]:
    return [str(o.get("value")) for o in field_def.get("options") or [] if isinstance(o, dict)]


def _check_value(name: str, kind: str, value: Any, field_def: dict, apps: dict, where: str) -> Any:
    label = f"{where}.{name}"
    if kind in ("text-input", "secret-input"):
        if not isinstance(value, str):
            raise ConfigError(f"{label}: must be a string ({kind}), got {type(value).__name__}")
    elif kind == "select":
        options = _options(field_def)
        if not isinstance(value, str) or value not in options:
            raise ConfigError(f"{label}: {value!r} is not one of the options {', '.join(options)}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ConfigError(f"{label}: must be true or false, got {value!r}")
        if value is False and field_def.get("required"):
            # Dify's form treats a required boolean set to false as missing.
            raise ConfigError(f"{label}: is required and cannot be false")
    elif kind == "app-selector":
        if not isinstance(value, dict) or not isinstance(value.get("app_id"), str) or not value["app_id"]:
            raise ConfigError(f"{label}: must be a mapping with a string app_id, e.g. {{app_id: demo-chat}}")
        if app_uuid(value["app_id"]) not in apps:
            names = ", ".join(app["name"] for app in apps.values())
            raise ConfigError(f"{label}.app_id: {value['app_id']!r} is not an app in 'apps' ({names})")
        # Dify hands the plugin the app's UUID; the config may name the app instead.
        value = {**value, "app_id": app_uuid(value["app_id"])}
        if not isinstance(value.get("inputs", {}), dict):
            raise ConfigError(f"{label}.inputs: must be a mapping")
        if not isinstance(value.get("files", []), list):
            raise ConfigError(f"{label}.files: must be a list")
        value = {"app_id": value["app_id"], "inputs": value.get("inputs") or {}, "files": value.get("files") or []}
    elif kind == "model-selector":
        if not isinstance(value, dict) or not value.get("provider") or not value.get("model"):
            raise ConfigError(f"{label}: must be a mapping with provider and model")
        if field_def.get("scope") in ("tts", "speech2text"):
            from localdify.voice import check_model

            try:
                check_model(field_def["scope"], value, apps)
            except ConfigError as exc:
                raise ConfigError(f"{label}: {exc}") from None
            # Dify stores the selector's model type with the choice.
            value = {**value, "model_type": field_def["scope"]}
    elif kind == "array[tools]":
        if not isinstance(value, list):
            raise ConfigError(f"{label}: must be a list of tools")
    return value


def validate_settings(raw: Any, spec: PluginSpec, apps: dict, where: str = "settings") -> dict[str, Any]:
    """Dify's save-time rules for an endpoint's settings: known keys, required present, types, defaults filled."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping of setting name to value")
    fields = {f["name"]: f for f in spec.settings}
    unknown = [k for k in raw if k not in fields]
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(map(str, unknown))} (the form has: {', '.join(fields)})"
        )
    out: dict[str, Any] = {}
    for name, field_def in fields.items():
        kind = field_def.get("type", "text-input")
        value = raw.get(name)
        if value is None or value == "":
            if field_def.get("required"):
                raise ConfigError(f"{where}.{name}: is required")
            if field_def.get("default") is not None:
                # Dify stores the form's default for a field left untouched.
                out[name] = field_def["default"]
            continue
        out[name] = _check_value(name, kind, value, field_def, apps, where)
    return out
