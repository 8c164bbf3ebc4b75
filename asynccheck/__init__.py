"""asynccheck: point it at a FastAPI + SQLAlchemy app, learn which migration stage it has reached.

from asynccheck import check
report = check(["app/"])
report.findings, report.completed, report.next, report.nothing_to_do_yet

Each finding is an error (the app is wrong, or fails once it runs async) or advice (a better practice, or
what the checker cannot decide from the source): `finding.severity`, `report.errors_found`, `report.advice`.
Errors come first, then advice, each sorted by stage, so they read as progress: `next` is the first stage
with an error (None when there is none), `completed` lists the stages before it (every stage when no error
is found), and `nothing_to_do_yet` the later stages that have no error so far. Those are not done: an
earlier step can still bring findings there. Advice never holds a stage back. The command prints the same
three on its summary line, and `--format json` under the same names, with each finding's `severity`.

check(paths, select=["AC5"], ignore=["AC703"]) filters the codes as [tool.asynccheck] in pyproject.toml
does (asynccheck.config); `# noqa: AC401` on a line hides that line's finding.

When a path or file could not be checked (report.errors: a file that cannot be read, or a part of one that
this Python cannot parse: its other statements are still read, FileError.partial), it may hold a finding of
any stage, so `completed` and `nothing_to_do_yet` are None (null in JSON; the summary
says "completed: unknown") until it is fixed; `next` is then the first stage with a finding in the files
that were checked. The rules about the project as a whole (no requirements file, no tests) run only when
at least one Python file was checked.
"""

__version__ = "1.0.0"

from asynccheck.checker import check
from asynccheck.report import FileError, Finding, Report

__all__ = ["FileError", "Finding", "Report", "__version__", "check"]
