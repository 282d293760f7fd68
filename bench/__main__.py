"""Run every bench module that has a `run()` (or those named: `python -m bench talk`); non-zero if a budget fails."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    wanted = argv or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown bench module(s): {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    failed = []
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if not callable(run):
            continue
        print(f"\n== bench.{name}")
        try:
            result = run()
        except Exception:
            traceback.print_exc()
            result = 1
        # run() returns 0/None when every budget holds (True also counts as success).
        if not (result is None or result is True or result == 0):
            failed.append(name)
    if failed:
        print(f"\nbudgets failed: {', '.join(failed)}")
        return 1
    print("\nall budgets hold")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
