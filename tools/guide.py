"""The guide's pages (MIGRATION.md and every Markdown file under docs/) and README.md's stage table: their
excerpts generated from the stages, then checked; and the benchmark's numbers and asynccheck's codes they
quote, generated from bench/report/results.json and asynccheck/codes.py.

    python -m tools.guide           check: print what is stale or wrong, exit 1 if anything is
    python -m tools.guide --write   regenerate the excerpts and the table (nox -s docs)

A new page is found by being there: any `docs/**/*.md`. Its markers (tools/excerpts.py) are generated and
checked like every other page's, and the checks (tools/checks.py) want it linked from MIGRATION.md's table of
contents; the site lists it once mkdocs.yml's `nav` does. The README table is tools/readme.py.
"""

import difflib
import sys
from collections.abc import Callable
from pathlib import Path

from tools import checks, excerpts, readme, stages
from tools.sources import GuideError

ROOT = stages.ROOT
ENTRY = ROOT / "MIGRATION.md"  # the guide's first page
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def pages() -> list[Path]:
    """Every page of the guide: MIGRATION.md, then each Markdown file under docs/, in order of their paths."""
    return [ENTRY, *sorted(DOCS.rglob("*.md"))]


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def generated() -> dict[Path, Callable[[str], str]]:
    """Every generated file and what regenerates it from its current text."""
    found: dict[Path, Callable[[str], str]] = {page: excerpts.render for page in pages()}
    found[README] = readme.render_readme
    return found


def texts() -> dict[str, str]:
    """The pages and README.md as they are on disk, by their path relative to the repository."""
    return {name(path): path.read_text(encoding="utf-8") for path in generated()}


def main(argv: list[str]) -> int:
    write = "--write" in argv
    stale: list[str] = []
    for path, regenerate in generated().items():
        old = path.read_text(encoding="utf-8")
        try:
            new = regenerate(old)
        except GuideError as error:
            print(f"{name(path)}: {error}", file=sys.stderr)
            return 1
        if new != old:
            if write:
                path.write_text(new, encoding="utf-8")
                print(f"{name(path)}: regenerated")
            else:
                stale += difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    name(path),
                    f"{name(path)} (from the stages)",
                )
    found = checks.problems(texts())
    sys.stdout.writelines(stale)
    for problem in found:
        print(problem, file=sys.stderr)
    if stale:
        print("excerpts are stale: run `nox -s docs`", file=sys.stderr)
    return 1 if stale or found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
