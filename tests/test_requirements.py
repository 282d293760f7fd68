"""requirements.txt (read by Dify's older plugin daemons) says exactly what pyproject.toml says."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from scripts import requirements

ROOT = Path(__file__).resolve().parents[1]


def test_requirements_txt_lists_exactly_the_runtime_dependencies():
    with (ROOT / "pyproject.toml").open("rb") as f:
        declared = tomllib.load(f)["project"]["dependencies"]
    assert declared, "pyproject.toml declares no runtime dependencies"
    shipped = requirements.listed((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert shipped == declared


def test_requirements_txt_is_what_the_generator_writes():
    result = subprocess.run(
        [sys.executable, "scripts/requirements.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_check_fails_when_the_two_differ_and_write_brings_them_in_step(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["werkzeug>=3.0", "jinja2>=3.1"]\n')
    (tmp_path / "requirements.txt").write_text("werkzeug>=3.0\n")
    assert not requirements.is_current(tmp_path)
    requirements.write(tmp_path)
    assert requirements.is_current(tmp_path)
    text = (tmp_path / "requirements.txt").read_text()
    assert requirements.listed(text) == ["werkzeug>=3.0", "jinja2>=3.1"]
    assert text.startswith("# Generated from pyproject.toml")


def test_dev_only_tools_stay_out_of_the_runtime_list():
    with (ROOT / "pyproject.toml").open("rb") as f:
        dev = tomllib.load(f)["dependency-groups"]["dev"]
    shipped = requirements.listed((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert not set(shipped) & set(dev)


def test_uv_does_not_build_the_plugin_when_a_daemon_syncs_it():
    # The build-system exists for the development install; newer daemons run `uv sync` in the plugin root.
    with (ROOT / "pyproject.toml").open("rb") as f:
        data = tomllib.load(f)
    assert data["build-system"]["build-backend"]
    assert data["tool"]["uv"]["package"] is False
