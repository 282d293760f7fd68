"""The plugin's declaration: the SDK's own models and registration, the daemon's stricter rules, the skin registry."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chat_skins.skins import SKINS

ROOT = Path(__file__).resolve().parent.parent
I18N_FIELDS = ("label", "help", "placeholder")
SETTING_TYPES = {"text-input", "secret-input", "select", "boolean", "app-selector", "model-selector", "array[tools]"}
METHODS = {"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS"}


def load(rel: str):
    return yaml.safe_load((ROOT / rel).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest():
    return load("manifest.yaml")


@pytest.fixture(scope="module")
def group(manifest):
    return load(manifest["plugins"]["endpoints"][0])


@pytest.fixture(scope="module")
def endpoint_files(group):
    return {rel: load(rel) for rel in group["endpoints"]}


# Runs with cwd = repository root: the SDK reads relative paths, and importing it patches the process with gevent.
SDK_PROBE = r"""
import json, sys
from werkzeug import Request
from werkzeug.test import EnvironBuilder
from dify_plugin.config.config import DifyPluginEnv
from dify_plugin.core.entities.plugin.setup import PluginConfiguration
from dify_plugin.core.plugin_registration import PluginRegistration
from dify_plugin.core.utils.yaml_loader import load_yaml_file
from dify_plugin.entities.endpoint import EndpointProviderConfiguration

manifest = PluginConfiguration(**load_yaml_file("manifest.yaml"))
groups = [EndpointProviderConfiguration(**load_yaml_file(g)) for g in manifest.plugins.endpoints]
reg = PluginRegistration(DifyPluginEnv())
dispatch = {}
for method, path in json.loads(sys.argv[1]):
    try:
        found = reg.dispatch_endpoint_request(Request(EnvironBuilder(path=path, method=method).get_environ()))
    except ValueError:
        found = None
    dispatch[method + " " + path] = None if found is None else [found[0].__name__, found[1]]
print(json.dumps({
    "name": manifest.name,
    "groups": len(groups),
    "settings": [s.name for s in groups[0].settings],
    "rules": sorted([r.rule, sorted(r.methods)] for r in reg.endpoints.iter_rules()),
    "assets": [a.filename for a in reg.files],
    "dispatch": dispatch,
}))
"""


@pytest.fixture(scope="module")
def registered():
    probes = [
        ["GET", "/"],
        ["GET", "/static/gen/chat-page.js"],
        ["POST", "/talk"],
        ["POST", "/unlock"],
        ["GET", "/nope"],
    ]
    probes += [["GET", f"/{s.name}"] for s in SKINS]
    done = subprocess.run(
        [sys.executable, "-c", SDK_PROBE, json.dumps(probes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sdk_models_load_and_the_plugin_registers(registered, group):
    assert registered["name"] == "chat-skins"
    assert registered["groups"] == 1
    assert registered["settings"] == [s["name"] for s in group["settings"]]
    assert "icon.svg" in registered["assets"]


def test_routes_dispatch_to_the_right_endpoints(registered):
    d = registered["dispatch"]
    assert d["GET /"] == ["PageEndpoint", {}]
    assert d["GET /static/gen/chat-page.js"] == ["StaticEndpoint", {"name": "gen/chat-page.js"}]
    assert d["POST /talk"][0] == "TalkEndpoint"
    assert d["POST /unlock"][0] == "UnlockEndpoint"
    assert d["GET /nope"] is None
    for skin in SKINS:
        assert d[f"GET /{skin.name}"] == ["PageEndpoint", {}], skin.name


def test_manifest_follows_the_daemon_rules(manifest):
    assert re.fullmatch(r"^\d{1,4}(\.\d{1,4}){2}(-\w{1,16})?$", str(manifest["version"]))
    assert re.fullmatch(r"^[a-z0-9_-]{1,64}$", manifest["author"])
    assert manifest["author"] != "langgenius"
    assert re.fullmatch(r"^[a-z0-9_-]{1,128}$", manifest["name"])
    assert manifest["type"] == "plugin"
    for field in ("label", "description"):
        assert manifest[field].get("en_US"), field
        assert set(manifest[field]) >= {"en_US", "zh_Hans", "ja_JP", "pt_BR"}
    assert (ROOT / "_assets" / manifest["icon"]).is_file()
    assert int(manifest["resource"]["memory"]) > 0
    permission = manifest["resource"]["permission"]
    assert permission["endpoint"]["enabled"] and permission["app"]["enabled"]
    assert permission["storage"]["enabled"] and 1024 <= permission["storage"]["size"] <= 1024**3
    assert len(manifest["plugins"]["endpoints"]) == 1
    meta = manifest["meta"]
    assert meta["runner"] == {"language": "python", "version": "3.12", "entrypoint": "main"}
    assert set(meta["arch"]) == {"amd64", "arm64"}
    assert manifest["created_at"]
    assert (ROOT / f"{meta['runner']['entrypoint']}.py").is_file()


def test_every_referenced_file_exists(manifest, group, endpoint_files):
    assert (ROOT / manifest["plugins"]["endpoints"][0]).is_file()
    for rel, data in endpoint_files.items():
        assert (ROOT / rel).is_file(), rel
        assert (ROOT / data["extra"]["python"]["source"]).is_file(), rel
    if manifest.get("privacy"):
        assert (ROOT / manifest["privacy"]).is_file()


def test_endpoint_files(endpoint_files):
    # The SDK routes by path and method (one werkzeug rule each): a path may serve two methods.
    routes = [(data["path"], data["method"]) for data in endpoint_files.values()]
    assert len(routes) == len(set(routes)), "duplicate path and method"
    for rel, data in endpoint_files.items():
        assert data["method"] in METHODS, rel
        assert isinstance(data.get("hidden", False), bool), rel
        assert data["path"].startswith("/"), rel
        assert data["extra"]["python"]["source"].startswith("endpoints/"), rel


def test_settings_follow_the_daemon_rules(group):
    settings = group["settings"]
    assert len(settings) <= 64
    names = [s["name"] for s in settings]
    assert len(names) == len(set(names))
    for s in settings:
        assert s["type"] in SETTING_TYPES, s["name"]
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", s["name"]), s["name"]
        if "scope" in s:
            assert s["type"] in ("app-selector", "model-selector"), s["name"]
        if s["type"] == "boolean":
            assert not s.get("required"), f"{s['name']}: a required boolean set to false fails Dify's form"
        if s["type"] == "select":
            values = [o["value"] for o in s["options"]]
            assert s.get("default") is None or s["default"] in values, s["name"]
            for option in s["options"]:
                assert option["label"].get("en_US"), f"{s['name']}={option['value']}"
        for field in I18N_FIELDS:
            if field in s:
                assert s[field].get("en_US"), f"{s['name']}.{field}"
                assert set(s[field]) >= {"en_US", "zh_Hans", "ja_JP", "pt_BR"}, f"{s['name']}.{field}"
        default = s.get("default")
        assert default is None or isinstance(default, str | int | float | bool), s["name"]
    app = next(s for s in settings if s["name"] == "app")
    assert app["type"] == "app-selector" and app["scope"] == "chat" and app["required"] is True
    # A secret-input would make the daemon decrypt the settings on every request, assets included.
    assert not any(s["type"] == "secret-input" for s in settings)


def test_skin_setting_options_match_the_registry(group):
    skin = next(s for s in group["settings"] if s["name"] == "skin")
    assert [o["value"] for o in skin["options"]] == [s.name for s in SKINS]
    assert skin["default"] in [s.name for s in SKINS]
    for option, registered in zip(skin["options"], SKINS, strict=True):
        assert option["label"]["en_US"] == registered.label


def test_every_skin_has_a_page_endpoint(endpoint_files):
    by_path = {data["path"]: (rel, data) for rel, data in endpoint_files.items()}
    for skin in SKINS:
        rel, data = by_path[f"/{skin.name}"]
        assert data["method"] == "GET" and data["hidden"] is False
        assert data["extra"]["python"]["source"] == "endpoints/page.py", rel
    assert by_path["/"][1]["extra"]["python"]["source"] == "endpoints/page.py"
    assert by_path["/static/<path:name>"][1]["hidden"] is True
