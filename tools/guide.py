"""MIGRATION.md's code excerpts and README.md's stage table: generated from the stages, then checked; and the
benchmark's numbers MIGRATION.md quotes, generated from bench/report/results.json (tools/benchquote.py).

    python -m tools.guide           check: print what is stale or wrong, exit 1 if anything is
    python -m tools.guide --write   regenerate the excerpts and the table (nox -s docs)

The markers are described in tools/excerpts.py, what else is checked in tools/checks.py, and the
README table is tools/readme.py.
"""

import difflib
import sys
from collections.abc import Callable
from pathlib import Path

from tools import checks, excerpts, readme, stages
from tools.sources import GuideError

GUIDE = stages.ROOT / "MIGRATION.md"
README = stages.ROOT / "README.md"
GENERATED: dict[Path, Callable[[str], str]] = {GUIDE: excerpts.render, README: readme.render_readme}


def main(argv: list[str]) -> int:
    write = "--write" in argv
    stale: list[str] = []
    for path, regenerate in GENERATED.items():
        old = path.read_text(encoding="utf-8")
        try:
            new = regenerate(old)
        except GuideError as error:
            print(f"{path.name}: {error}", file=sys.stderr)
            return 1
        if new != old:
            if write:
                path.write_text(new, encoding="utf-8")
                print(f"{path.name}: regenerated")
            else:
                stale += difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    path.name,
                    f"{path.name} (from the stages)",
                )
    found = checks.problems(GUIDE.read_text(encoding="utf-8"))
    sys.stdout.writelines(stale)
    for problem in found:
        print(f"MIGRATION.md: {problem}", file=sys.stderr)
    if stale:
        print("excerpts are stale: run `nox -s docs`", file=sys.stderr)
    return 1 if stale or found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
