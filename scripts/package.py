"""Build chat-skins-<version>.difypkg, refusing anything Dify's plugin daemon would reject."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import yaml

from scripts.requirements import listed, runtime_dependencies

ROOT = Path(__file__).resolve().parent.parent
MAX_UNPACKED = 50 * 1024 * 1024
VERSION = re.compile(r"^\d{1,4}(\.\d{1,4}){2}(-\w{1,16})?$")
AUTHOR = re.compile(r"^[a-z0-9_-]{1,64}$")
NAME = re.compile(r"^[a-z0-9_-]{1,128}$")
METHODS = {"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS"}
SETTING_TYPES = {"text-input", "secret-input", "select", "boolean", "app-selector", "model-selector", "array[tools]"}
REQUIRED_IN_PACKAGE = ("main.py", "manifest.yaml", "requirements.txt", "static/gen/chat-page.js", "templates/base.html")


class PackageError(Exception):
    """The plugin would be rejected by Dify."""


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Translate one gitignore pattern (already stripped of '!' and trailing '/') into a regex."""
    anchored = "/" in pattern
    pattern = pattern.lstrip("/")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{''.join(out)}$")


def load_ignore(path: Path) -> list[tuple[re.Pattern[str], bool, bool]]:
    """Rules as (regex, negated, directory_only), in file order."""
    rules = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        dir_only = line.endswith("/")
        rules.append((_pattern_regex(line.rstrip("/")), negated, dir_only))
    return rules


def is_ignored(rel: str, is_dir: bool, rules: list[tuple[re.Pattern[str], bool, bool]]) -> bool:
    ignored = False
    for regex, negated, dir_only in rules:
        if dir_only and not is_dir:
            continue
        if regex.match(rel):
            ignored = not negated
    return ignored


def collect_files(root: Path = ROOT) -> list[str]:
    """Files that ship, relative to root, honouring .difyignore (an ignored folder hides its contents)."""
    rules = load_ignore(root / ".difyignore")
    files: list[str] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            rel = entry.relative_to(root).as_posix()
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if not is_ignored(rel, True, rules):
                    walk(entry)
            elif not is_ignored(rel, False, rules):
                files.append(rel)

    walk(root)
    return files


def _labels(obj: dict, where: str, errors: list[str]) -> None:
    label = obj.get("label")
    if not isinstance(label, dict) or not str(label.get("en_US") or "").strip():
        errors.append(f"{where}: label.en_US is required")


def validate(root: Path, files: list[str]) -> dict:
    """Daemon-side rules; returns the manifest or raises PackageError listing every problem."""
    errors: list[str] = []
    shipped = set(files)
    manifest = yaml.safe_load((root / "manifest.yaml").read_text(encoding="utf-8"))
    if not VERSION.match(str(manifest.get("version", ""))):
        errors.append("manifest: version must match " + VERSION.pattern)
    if not AUTHOR.match(str(manifest.get("author", ""))) or manifest.get("author") == "langgenius":
        errors.append("manifest: author must be lowercase [a-z0-9_-] and not reserved")
    if not NAME.match(str(manifest.get("name", ""))):
        errors.append("manifest: name must be lowercase [a-z0-9_-]")
    if manifest.get("type") != "plugin":
        errors.append("manifest: type must be plugin")
    _labels(manifest, "manifest", errors)
    if not str((manifest.get("description") or {}).get("en_US") or "").strip():
        errors.append("manifest: description.en_US is required")
    if f"_assets/{manifest.get('icon')}" not in shipped:
        errors.append("manifest: icon must be a file in _assets/")
    if not manifest.get("created_at"):
        errors.append("manifest: created_at is required")
    resource = manifest.get("resource") or {}
    if not isinstance(resource.get("memory"), int):
        errors.append("manifest: resource.memory (bytes) is required")
    permission = resource.get("permission") or {}
    for need in ("endpoint", "app"):
        if not (permission.get(need) or {}).get("enabled"):
            errors.append(f"manifest: permission.{need} must be enabled")
    storage = permission.get("storage") or {}
    if storage.get("enabled") and not 1024 <= int(storage.get("size", 0)) <= 1 << 30:
        errors.append("manifest: storage.size must be between 1024 and 1 GiB")
    runner = (manifest.get("meta") or {}).get("runner") or {}
    if runner.get("language") != "python" or str(runner.get("version")) != "3.12":
        errors.append("manifest: meta.runner must be python 3.12")
    if f"{runner.get('entrypoint')}.py" not in shipped:
        errors.append("manifest: entrypoint file is missing")
    groups = (manifest.get("plugins") or {}).get("endpoints") or []
    if len(groups) != 1:
        errors.append("manifest: plugins.endpoints must list exactly one group file")
    for group_path in groups:
        if group_path not in shipped:
            errors.append(f"{group_path}: missing from the package")
            continue
        group = yaml.safe_load((root / group_path).read_text(encoding="utf-8"))
        settings = group.get("settings") or []
        if len(settings) > 64:
            errors.append(f"{group_path}: at most 64 settings")
        for setting in settings:
            where = f"{group_path}: setting {setting.get('name')}"
            _labels(setting, where, errors)
            if setting.get("type") not in SETTING_TYPES:
                errors.append(f"{where}: unknown type {setting.get('type')}")
            if "scope" in setting and setting.get("type") not in ("app-selector", "model-selector"):
                errors.append(f"{where}: scope is only valid on selectors")
            if setting.get("type") == "boolean" and setting.get("required"):
                errors.append(f"{where}: a required boolean fails Dify's form when false")
            for option in setting.get("options") or []:
                _labels(option, f"{where} option {option.get('value')}", errors)
        for endpoint_path in group.get("endpoints") or []:
            if endpoint_path not in shipped:
                errors.append(f"{endpoint_path}: missing from the package")
                continue
            endpoint = yaml.safe_load((root / endpoint_path).read_text(encoding="utf-8"))
            if endpoint.get("method") not in METHODS:
                errors.append(f"{endpoint_path}: method must be one of {sorted(METHODS)}")
            source = ((endpoint.get("extra") or {}).get("python") or {}).get("source")
            if source not in shipped:
                errors.append(f"{endpoint_path}: source {source} is missing from the package")
    for required in REQUIRED_IN_PACKAGE:
        if required not in shipped:
            errors.append(f"{required}: missing (run the build first)")
    # Older daemons install only from requirements.txt: it must say what pyproject.toml says.
    if "requirements.txt" in shipped:
        if listed((root / "requirements.txt").read_text(encoding="utf-8")) != runtime_dependencies(root):
            errors.append("requirements.txt: differs from pyproject.toml's dependencies (run `make build`)")
    size = sum((root / f).stat().st_size for f in files)
    if size > MAX_UNPACKED:
        errors.append(f"package is {size} bytes unpacked; the limit is {MAX_UNPACKED}")
    if errors:
        raise PackageError("\n".join(errors))
    return manifest


def build_package(root: Path = ROOT, out_dir: Path | None = None) -> Path:
    files = collect_files(root)
    manifest = validate(root, files)
    target = (out_dir or root) / f"{manifest['name']}-{manifest['version']}.difypkg"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel in files:
            archive.write(root / rel, rel)
    return target


def main() -> int:
    try:
        target = build_package()
    except PackageError as exc:
        print(f"package refused:\n{exc}", file=sys.stderr)
        return 1
    print(f"built {target.name} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
