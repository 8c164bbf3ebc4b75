"""The command line: `python -m bench` from the repository root (`nox -s bench` runs it).

    python -m bench                 # the full run (about 25 minutes on 2 cores), written to bench/report/
    python -m bench --quick         # seconds of load: proves the harness works, written to bench/work/quick/
    python -m bench --skip growth memory --cases postgres   # a part of it (also --endpoints, --concurrency)
    python -m bench --report-only   # REPORT.md and the charts again, from bench/report/results.json
    python -m bench --check-report  # fails unless bench/report/results.json renders to REPORT.md

The runs need wrk and PostgreSQL (POSTGRES_URL; the stages' databases are BENCH_DB_PREFIX_NN next to its
database, bench_NN by default, and the counts' BENCH_DB_PREFIX_counts); the report options need neither.
"""

from __future__ import annotations

import argparse
import difflib
import json
import signal
import sys
from pathlib import Path
from types import FrameType

from bench import BENCH, HarnessError
from bench.plan import ENDPOINTS, make_plan
from bench.render import render
from bench.run import preflight, run, write_report_and_charts


def main() -> int:
    args = parser().parse_args()
    if args.report_only or args.check_report:
        return report(args.out or BENCH / "report", check=args.check_report)
    # Also SIGINT: a shell starts background jobs with it ignored, and Python would keep it that way.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        plan = make_plan(args)
        preflight()
    except HarnessError as error:
        print(f"bench harness failed: {error}", file=sys.stderr)
        return 2
    return run(plan, keep_databases=args.keep_databases)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure what the migration buys, stage by stage."
    )
    parser.add_argument("--quick", action="store_true", help="seconds of load to prove the harness works")
    parser.add_argument("--duration", type=int, help="seconds per run for every case (wrk: whole seconds)")
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument(
        "--out", type=Path, help="report folder (default bench/report, quick: bench/work/quick)"
    )
    parser.add_argument("--cases", nargs="+", help="only these: sqlite postgres postgres-2ms postgres-20ms")
    parser.add_argument("--endpoints", nargs="+", help=f"only these: {' '.join(ENDPOINTS)}")
    parser.add_argument("--concurrency", nargs="+", type=int, help="instead of 1 16 64 256 (the first first)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    parser.add_argument(
        "--skip", nargs="+", choices=("configs", "growth", "memory"),
        help="leave out the server configurations other than plain, the growth or the memory measurement",
    )  # fmt: skip
    parser.add_argument(
        "--keep-databases", action="store_true", help="leave the bench_NN PostgreSQL databases"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="measure nothing: rewrite REPORT.md and the charts"
    )
    parser.add_argument(
        "--check-report", action="store_true", help="measure nothing: fail if REPORT.md is not what renders"
    )
    return parser


def on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def report(folder: Path, *, check: bool) -> int:
    """REPORT.md (and the charts) from the folder's results.json; with `check`, compare instead of writing."""
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    if not check:
        write_report_and_charts(results, folder)
        print(f"== wrote {folder}/REPORT.md and charts")
        return 0
    committed = (folder / "REPORT.md").read_text(encoding="utf-8")
    rendered = render(results, folder)
    if rendered == committed:
        print(f"== {folder}/REPORT.md is what its results.json renders to")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True), rendered.splitlines(keepends=True), "REPORT.md", "rendered"
    )
    sys.stderr.writelines(diff)
    return 1


if __name__ == "__main__":
    sys.exit(main())
