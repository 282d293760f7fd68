"""Run every bench module that has a `run()` (or those named: `python -m bench talk`); non-zero if a budget fails.

`--quick` is passed to each `run()` that accepts it (shorter, fewer levels). A module with `main(args)`
instead of `run()` is not part of the default run; `python -m bench soak --minutes 10` calls it with
the rest of the command line.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    if argv and argv[0] in names:
        module = importlib.import_module(f"bench.{argv[0]}")
        if not callable(getattr(module, "run", None)) and callable(getattr(module, "main", None)):
            return int(module.main(argv[1:]) or 0)
    quick = "--quick" in argv
    options = [a for a in argv if a.startswith("-") and a != "--quick"]
    if options:
        print(f"unknown option(s): {', '.join(options)}; known: --quick", file=sys.stderr)
        return 2
    wanted = [a for a in argv if not a.startswith("-")] or names
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
        kwargs = {"quick": True} if quick and "quick" in inspect.signature(run).parameters else {}
        try:
            result = run(**kwargs)
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
