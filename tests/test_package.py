"""`make package`: what ships, and the daemon's rules that refuse a bad plugin."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from scripts import package

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not (ROOT / "static/gen/chat-page.js").exists():
        subprocess.run(["node", "scripts/build.mjs"], cwd=ROOT, check=True)
    out = tmp_path_factory.mktemp("pkg")
    return package.build_package(ROOT, out)


def test_package_contains_the_plugin_and_nothing_else(built):
    assert built.name.startswith("chat-skins-") and built.suffix == ".difypkg"
    names = set(zipfile.ZipFile(built).namelist())
    for required in (
        "manifest.yaml",
        "main.py",
        "README.md",
        "PRIVACY.md",
        "_assets/icon.svg",
        "static/gen/chat-page.js",
        "requirements.txt",
        "pyproject.toml",
    ):
        assert required in names
    for forbidden in ("localdify/", "tests/", "node_modules/", ".venv/", ".git/", "bench/", "scripts/", "static/js/"):
        assert not any(n.startswith(forbidden) for n in names), forbidden
    for tooling in ("biome.json", "package.json", "package-lock.json", "Makefile"):
        assert tooling not in names, tooling
    assert not any(n.endswith(".difypkg") or "__pycache__" in n for n in names)


def test_package_is_under_the_size_limit(built):
    unpacked = sum(info.file_size for info in zipfile.ZipFile(built).infolist())
    assert unpacked < package.MAX_UNPACKED


def test_ignore_rules_follow_gitignore_semantics():
    rules = [(package._pattern_regex(p.rstrip("/")), False, p.endswith("/")) for p in ("lib/", "/top.txt", "*.pyc")]
    assert package.is_ignored("lib", True, rules)
    assert package.is_ignored("a/b/lib", True, rules)
    assert not package.is_ignored("lib", False, rules)
    assert package.is_ignored("top.txt", False, rules)
    assert not package.is_ignored("sub/top.txt", False, rules)
    assert package.is_ignored("x/y.pyc", False, rules)
    negated = rules + [(package._pattern_regex("keep.pyc"), True, False)]
    assert not package.is_ignored("keep.pyc", False, negated)


def _copy_plugin(tmp_path: Path) -> Path:
    target = tmp_path / "plugin"
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "tests", "docs", "*.difypkg", "__pycache__"),
    )
    return target


def _mutate(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("manifest.yaml", lambda m: m.update(name="Chat-Skins"), "name must be lowercase"),
        ("manifest.yaml", lambda m: m.update(author="LangGenius"), "author"),
        ("manifest.yaml", lambda m: m.update(version="1.0"), "version must match"),
        ("manifest.yaml", lambda m: m.update(icon="missing.svg"), "icon"),
        ("manifest.yaml", lambda m: m["label"].pop("en_US"), "label.en_US"),
        ("manifest.yaml", lambda m: m["plugins"]["endpoints"].append("group/other.yaml"), "exactly one group"),
        ("group/chat-skins.yaml", lambda g: g["endpoints"].append("endpoints/nope.yaml"), "nope.yaml"),
        ("group/chat-skins.yaml", lambda g: g["settings"][1].update(scope="chat"), "scope"),
        ("group/chat-skins.yaml", lambda g: g["settings"][1]["label"].pop("en_US"), "label.en_US"),
        ("endpoints/talk.yaml", lambda e: e.update(method="PATCH"), "method"),
        ("endpoints/talk.yaml", lambda e: e["extra"]["python"].update(source="endpoints/gone.py"), "gone.py"),
    ],
)
def test_daemon_rules_refuse_a_bad_plugin(tmp_path, file, change, message):
    plugin = _copy_plugin(tmp_path)
    _mutate(plugin / file, change)
    with pytest.raises(package.PackageError) as refused:
        package.build_package(plugin, tmp_path)
    assert message in str(refused.value)
    assert not list(tmp_path.glob("*.difypkg"))


def test_a_requirements_txt_out_of_step_with_pyproject_is_refused(tmp_path):
    plugin = _copy_plugin(tmp_path)
    (plugin / "requirements.txt").write_text("werkzeug>=3.0\n", encoding="utf-8")
    with pytest.raises(package.PackageError) as refused:
        package.build_package(plugin, tmp_path)
    assert "requirements.txt: differs" in str(refused.value)
    (plugin / "requirements.txt").unlink()
    with pytest.raises(package.PackageError) as missing:
        package.build_package(plugin, tmp_path)
    assert "requirements.txt: missing" in str(missing.value)


def test_the_packaged_plugin_loads_from_its_root_without_the_development_install(built, tmp_path):
    # The daemon runs `python -m main` in the unpacked plugin with only requirements.txt installed. Load
    # every endpoint source there with the repository (our editable install) taken off sys.path.
    root = tmp_path / "unpacked"
    zipfile.ZipFile(built).extractall(root)
    probe = """
import pathlib, runpy, sys
root, repo = sys.argv[1], sys.argv[2]
sys.path[:] = [root] + [p for p in sys.path if p not in ("", ".", repo)]
for name in ("localdify", "tests", "scripts"):
    try:
        __import__(name)
    except ImportError:
        continue
    raise SystemExit(f"{name} is importable: the check would not show a missing file")
for source in sorted(pathlib.Path(root, "endpoints").glob("*.py")):
    runpy.run_path(str(source))
import chat_skins
assert chat_skins.__file__.startswith(root), chat_skins.__file__
print("loaded")
"""
    result = subprocess.run(
        [sys.executable, "-c", probe, str(root), str(ROOT)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("loaded")
