"""The command line: `asynccheck PATH...` (also `python -m asynccheck`)."""

import argparse
import sys

from asynccheck import __version__, output
from asynccheck.checker import check

DESCRIPTION = (
    "Check a FastAPI + SQLAlchemy app for what is left to migrate from sync to async. Each finding names "
    "the stage of MIGRATION.md whose step removes it. Reads the source only: nothing is imported or run."
)
EPILOG = (
    "exit status: 0 nothing found, 1 findings, 2 a usage error or a path or file that could not be checked"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="asynccheck", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a folder of the app, or Python files")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a message may quote source text that the terminal cannot show
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    report = check(args.paths)
    for error in report.errors:
        print(output.error_line(error), file=sys.stderr)
    sys.stdout.write(output.as_json(report) if args.format == "json" else output.text(report))
    return report.exit_code
