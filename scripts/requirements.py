"""Write requirements.txt from pyproject.toml's runtime dependencies (`--check`: fail if they differ).

Dify's plugin daemons before 0.5.3 install a plugin only from requirements.txt, newer ones from
pyproject.toml; both ship, and this script keeps them one list.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "# Generated from pyproject.toml by `make build` (scripts/requirements.py): edit that file, not this one.\n"


def runtime_dependencies(root: Path = ROOT) -> list[str]:
    """[project].dependencies of pyproject.toml, in file order."""
    with (root / "pyproject.toml").open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def render(dependencies: list[str]) -> str:
    return HEADER + "".join(f"{dep}\n" for dep in dependencies)


def listed(text: str) -> list[str]:
    """The requirement lines of a requirements.txt, comments and blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def is_current(root: Path = ROOT) -> bool:
    target = root / "requirements.txt"
    return target.exists() and target.read_text(encoding="utf-8") == render(runtime_dependencies(root))


def write(root: Path = ROOT) -> None:
    """Rewrite requirements.txt only when it differs (its mtime stays put otherwise)."""
    if not is_current(root):
        (root / "requirements.txt").write_text(render(runtime_dependencies(root)), encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if not is_current():
            print("requirements.txt differs from pyproject.toml: run `make build`", file=sys.stderr)
            return 1
        return 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
