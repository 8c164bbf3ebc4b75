"""The command line: `asynccheck PATH...` (also `python -m asynccheck`)."""

import argparse
import sys

from asynccheck import __version__, output
from asynccheck.checker import check

DESCRIPTION = """\
Check a FastAPI + SQLAlchemy app for what is left to migrate from sync to async. Each finding names the
stage of MIGRATION.md whose step removes it. Reads the source only: nothing is imported or run.
"""
EPILOG = """\
The summary line reads as progress through the stages:
  completed                the stages done: every stage before `next`
  next                     the first stage with a finding: the step to take now
  nothing to do yet for    later stages with no finding so far; an earlier step can still bring some
                           (for instance an app with no exception handlers has no stage 06 work)
--format json gives the same lists as "completed", "next" and "nothing_to_do_yet".
When a path or file could not be checked (a syntax error, say), it may hold a finding of any stage: the
summary says "completed: unknown (N files could not be checked)" and names no stage as done or as having
nothing to do until they parse, and JSON gives "completed": null and "nothing_to_do_yet": null; "next" is
the first stage with a finding in the files that were checked.

Each finding is an error (the app is wrong, or fails once async) or advice, marked "(advice)" and listed
after the errors; the stages are judged by errors only, and the summary ends with "advice for: ..." naming
the stages that have advice.
Settings: [tool.asynccheck] in pyproject.toml (select, ignore, exclude, per-file-ignores); `# noqa: AC401`
(or a prefix: `# noqa: AC`) at the end of a line hides that line's findings of those codes.

exit status: 0 nothing found, 1 findings, 2 a usage error or a path or file that could not be checked
"""


def _codes(text: str) -> list[str]:
    codes = [code.strip().upper() for code in text.split(",") if code.strip()]
    for code in codes:
        if not code.startswith("AC") or (code != "AC" and not code[2:].isdigit()):
            raise argparse.ArgumentTypeError(f"not a code or a prefix of one: {code!r} (AC503, AC5, AC)")
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="asynccheck",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a folder of the app, or Python files")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="report only these codes or prefixes, comma-separated (AC5,AC203); "
        "replaces [tool.asynccheck] select",
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        default=[],
        metavar="CODES",
        help="do not report these codes or prefixes, comma-separated; adds to [tool.asynccheck] ignore",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a message may quote source text that the terminal cannot show
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    report = check(args.paths, select=args.select, ignore=args.ignore)
    for error in report.errors:
        print(output.error_line(error), file=sys.stderr)
    sys.stdout.write(output.as_json(report) if args.format == "json" else output.text(report))
    return report.exit_code
