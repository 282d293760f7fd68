"""Config parsing and Dify's save-time settings rules (no plugin process needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from localdify.config import ConfigError, app_uuid, derive_hook_id, parse_config, validate_settings
from localdify.plugin_spec import PluginSpec, load_plugin_spec
from tests.support.fixtures import PROBE_DIR, REPO_ROOT
from tests.support.hooks import HOST_CONFIG

APPS = {app_uuid("demo-chat"): {"backend": "demo", "name": "demo-chat"}}


@pytest.fixture(scope="module")
def spec() -> PluginSpec:
    return load_plugin_spec(REPO_ROOT)


def synthetic_spec(*fields: dict) -> PluginSpec:
    return PluginSpec(root=Path("."), name="synthetic", settings=tuple(fields), routes=(), storage_size=None)


def test_plugin_spec_reads_the_group(spec):
    names = [f["name"] for f in spec.settings]
    assert names[0] == "app"
    assert "/" in spec.page_paths
    assert "/talk" not in spec.page_paths  # hidden
    assert spec.storage_size and spec.storage_size >= 1024


def test_probe_spec():
    probe = load_plugin_spec(PROBE_DIR)
    assert probe.storage_size == 2048
    assert probe.page_paths[0] == "/slow"


def test_defaults_are_filled_like_dify(spec):
    settings = validate_settings({"app": {"app_id": "demo-chat"}}, spec, APPS)
    # The config names the app; the plugin gets its UUID, as from Dify.
    assert settings["app"] == {"app_id": app_uuid("demo-chat"), "inputs": {}, "files": []}
    for field in spec.settings:
        if field.get("default") is not None:
            assert settings[field["name"]] == field["default"]
        elif field["name"] != "app":
            assert field["name"] not in settings  # optional without default: absent, as in Dify


def test_required_field_missing(spec):
    with pytest.raises(ConfigError, match=r"settings\.app: is required"):
        validate_settings({}, spec, APPS)


def test_unknown_key_rejected(spec):
    with pytest.raises(ConfigError, match="unknown setting.*colour"):
        validate_settings({"app": {"app_id": "demo-chat"}, "colour": "red"}, spec, APPS)


def test_select_value_must_be_an_option(spec):
    with pytest.raises(ConfigError, match=r"settings\.skin: 'no-such-skin' is not one of the options"):
        validate_settings({"app": {"app_id": "demo-chat"}, "skin": "no-such-skin"}, spec, APPS)


def test_boolean_must_be_bool(spec):
    with pytest.raises(ConfigError, match=r"settings\.show_sources: must be true or false"):
        validate_settings({"app": {"app_id": "demo-chat"}, "show_sources": "yes"}, spec, APPS)


def test_text_input_must_be_a_string(spec):
    with pytest.raises(ConfigError, match=r"settings\.bot_name: must be a string"):
        validate_settings({"app": {"app_id": "demo-chat"}, "bot_name": 42}, spec, APPS)


def test_app_selector_shape_and_known_app(spec):
    with pytest.raises(ConfigError, match=r"settings\.app: must be a mapping with a string app_id"):
        validate_settings({"app": "demo-chat"}, spec, APPS)
    with pytest.raises(ConfigError, match=r"settings\.app\.app_id: 'other' is not an app"):
        validate_settings({"app": {"app_id": "other"}}, spec, APPS)
    with pytest.raises(ConfigError, match=r"settings\.app\.inputs: must be a mapping"):
        validate_settings({"app": {"app_id": "demo-chat", "inputs": []}}, spec, APPS)


def test_secret_input_and_required_boolean():
    spec = synthetic_spec(
        {"name": "key", "type": "secret-input", "required": True},
        {"name": "agree", "type": "boolean", "required": True},
    )
    assert validate_settings({"key": "s3cret", "agree": True}, spec, {}) == {"key": "s3cret", "agree": True}
    with pytest.raises(ConfigError, match=r"settings\.key: must be a string"):
        validate_settings({"key": 1, "agree": True}, spec, {})
    with pytest.raises(ConfigError, match=r"settings\.agree: is required and cannot be false"):
        validate_settings({"key": "s", "agree": False}, spec, {})
    with pytest.raises(ConfigError, match=r"settings\.key: is required"):
        validate_settings({"key": "", "agree": True}, spec, {})


def test_hook_ids(spec):
    hook = derive_hook_id("My endpoint")
    assert re.fullmatch(r"[a-z0-9]{16}", hook)
    assert derive_hook_id("My endpoint") == hook != derive_hook_id("Other endpoint")
    cfg = parse_config(
        {"apps": APPS, "endpoints": [{"name": "My endpoint", "settings": {"app": {"app_id": "demo-chat"}}}]}, spec
    )
    assert cfg.endpoints[0].hook_id == hook
    with pytest.raises(ConfigError, match="16 lowercase letters and digits"):
        parse_config(
            {"apps": APPS, "endpoints": [{"hook_id": "UPPER", "settings": {"app": {"app_id": "demo-chat"}}}]}, spec
        )
    dup = {"hook_id": "a" * 16, "settings": {"app": {"app_id": "demo-chat"}}}
    with pytest.raises(ConfigError, match="used twice"):
        parse_config({"apps": APPS, "endpoints": [dup, dup]}, spec)


def test_error_names_the_endpoint(spec):
    bad = {"apps": APPS, "endpoints": [{"name": "ok", "settings": {"app": {"app_id": "demo-chat"}}}, {"settings": {}}]}
    with pytest.raises(ConfigError, match=r"endpoints\[1\]\.settings\.app: is required"):
        parse_config(bad, spec)


def test_unknown_backend(spec):
    with pytest.raises(ConfigError, match="backend: 'gpt' is not one of"):
        parse_config({"apps": {"x": {"backend": "gpt"}}}, spec)


def test_empty_config_gives_one_demo_endpoint(spec):
    cfg = parse_config({}, spec)
    assert list(cfg.apps) == [app_uuid("demo-chat")]
    assert cfg.apps[app_uuid("demo-chat")]["name"] == "demo-chat"
    assert cfg.endpoints[0].settings["app"]["app_id"] == app_uuid("demo-chat")


def test_example_config_is_valid(spec):
    cfg = parse_config(REPO_ROOT / "config" / "endpoints.example.yaml", spec)
    assert len(cfg.endpoints) >= 2
    assert all(app["backend"] == "demo" for app in cfg.apps.values())


def test_shared_test_config_is_valid(spec):
    cfg = parse_config(HOST_CONFIG, spec)
    assert [e.hook_id for e in cfg.endpoints] == [e["hook_id"] for e in HOST_CONFIG["endpoints"]]
