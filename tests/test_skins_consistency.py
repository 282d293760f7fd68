"""Every registered skin is complete, and nothing that looks like a skin exists outside the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chat_skins.skins import BY_NAME, DEFAULT_SKIN, SKINS, get_skin, skin_for_path

ROOT = Path(__file__).resolve().parent.parent
NAMES = [s.name for s in SKINS]
GROUP = yaml.safe_load((ROOT / "group" / "chat-skins.yaml").read_text(encoding="utf-8"))
LOCALES = ("en_US", "zh_Hans", "ja_JP", "pt_BR")
# Pages that are not skins: the root page uses the `skin` setting.
NON_SKIN_PAGES = {"page-root.yaml"}


def skin_option_values() -> list[dict]:
    (setting,) = [s for s in GROUP["settings"] if s["name"] == "skin"]
    return setting["options"]


def test_registry_is_well_formed():
    assert len(SKINS) >= 8
    assert len(set(NAMES)) == len(NAMES)
    assert DEFAULT_SKIN in BY_NAME
    for skin in SKINS:
        assert re.fullmatch(r"[a-z][a-z0-9-]{1,30}", skin.name), skin.name
        assert skin.label and skin.description
        assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in skin.theme_color), skin.name
        assert set(skin.labels) == set(LOCALES) - {"en_US"}, skin.name
    assert get_skin("no-such-skin").name == DEFAULT_SKIN
    # A skin's name must never shadow another endpoint's path.
    assert not {"talk", "unlock", "static", "skins", "embed.js"} & set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_skin_has_stylesheet(name):
    css = (ROOT / "static" / "css" / "skins" / f"{name}.css").read_text(encoding="utf-8")
    assert "--cs-accent" in css


@pytest.mark.parametrize("name", NAMES)
def test_skin_has_endpoint_listed_in_group(name):
    path = ROOT / "endpoints" / f"page-{name}.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert spec["path"] == f"/{name}"
    assert spec["method"] == "GET"
    assert spec["hidden"] is False
    assert spec["extra"]["python"]["source"] == "endpoints/page.py"
    assert f"endpoints/page-{name}.yaml" in GROUP["endpoints"]
    assert skin_for_path(f"/{name}") == name


def test_group_skin_options_follow_registry():
    options = skin_option_values()
    assert [o["value"] for o in options] == NAMES
    for option in options:
        skin = BY_NAME[option["value"]]
        assert set(option["label"]) == set(LOCALES)
        assert option["label"]["en_US"] == skin.label
        for locale, text in skin.labels.items():
            assert option["label"][locale] == text
    (setting,) = [s for s in GROUP["settings"] if s["name"] == "skin"]
    assert setting["default"] == DEFAULT_SKIN


def test_gallery_endpoint_is_listed_and_visible():
    spec = yaml.safe_load((ROOT / "endpoints" / "skins.yaml").read_text(encoding="utf-8"))
    assert (spec["path"], spec["method"], spec["hidden"]) == ("/skins", "GET", False)
    assert spec["extra"]["python"]["source"] == "endpoints/gallery.py"
    assert "endpoints/skins.yaml" in GROUP["endpoints"]


def test_no_unregistered_skin_files():
    stylesheets = {p.stem for p in (ROOT / "static" / "css" / "skins").glob("*.css")}
    assert stylesheets == set(NAMES)
    templates = {p.stem for p in (ROOT / "templates" / "skins").glob("*.html")}
    assert templates <= set(NAMES), templates - set(NAMES)
    pages = {p.name for p in (ROOT / "endpoints").glob("page-*.yaml")} - NON_SKIN_PAGES
    assert pages == {f"page-{n}.yaml" for n in NAMES}
    listed = {e.rsplit("/", 1)[-1] for e in GROUP["endpoints"] if "/page-" in e} - NON_SKIN_PAGES
    assert listed == {f"page-{n}.yaml" for n in NAMES}


def test_skin_templates_only_extend_base():
    for path in (ROOT / "templates" / "skins").glob("*.html"):
        assert path.stem in BY_NAME, path.name
        assert path.read_text(encoding="utf-8").lstrip().startswith('{% extends "base.html" %}'), path.name


def readme_rows() -> dict[str, str]:
    """README rows of the skins table, by the skin their `/path` cell names."""
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|.*?\|\s*`/([a-z0-9-]+)`\s*\|", line)
        if match and "docs/screenshots/" in line:
            rows[match.group(1)] = line
    return rows


def test_readme_has_a_row_per_skin_and_no_other():
    rows = readme_rows()
    assert set(rows) == set(NAMES), f"README skins table rows differ: {sorted(set(rows) ^ set(NAMES))}"
    for name, row in rows.items():
        assert f"docs/screenshots/{name}-light-desktop.png" in row
        assert f"docs/screenshots/{name}-dark-desktop.png" in row


def test_screenshots_exist_for_registered_skins_only():
    folder = ROOT / "docs" / "screenshots"
    expected = {f"{n}-{t}-{d}.png" for n in NAMES for t in ("light", "dark") for d in ("desktop", "phone")}
    rtl = {f"{n}-rtl-light-{d}.png" for n in load_screenshots_script().RTL_SKINS for d in ("desktop", "phone")}
    expected |= {f"{n}-embed-{t}.png" for n in NAMES for t in ("light", "dark")}
    present = {p.name for p in folder.glob("*.png")}
    assert expected <= present, f"run `make screenshots`; missing: {sorted(expected - present)[:6]}"
    assert present <= expected | rtl, f"stray screenshots: {sorted(present - expected - rtl)}"
    total = sum((folder / n).stat().st_size for n in present)
    assert total < 650_000 * len(NAMES), f"{total} bytes of screenshots"


def load_screenshots_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_group_file_is_what_the_sync_would_write():
    text = (ROOT / "group" / "chat-skins.yaml").read_text(encoding="utf-8")
    assert load_screenshots_script().sync_group(text) == text, "run `python scripts/screenshots.py --sync-only`"


def test_sync_restores_a_missing_skin_and_drops_a_stray_one():
    sync_group = load_screenshots_script().sync_group
    text = (ROOT / "group" / "chat-skins.yaml").read_text(encoding="utf-8")
    last = SKINS[-1].name
    broken = text.replace(f"  - endpoints/page-{last}.yaml\n", "  - endpoints/page-ghost.yaml\n")
    start = broken.index(f"      - value: {last}\n")
    broken = broken[:start] + broken[broken.index("  - name: bot_name", start) :]
    assert broken != text
    assert sync_group(broken) == text
