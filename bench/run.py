"""One benchmark run from start to end: the stages' environments, their statement counts, the sweep and the
profiles, written as results.json, then REPORT.md and the charts.

Every stage marked `bench = true` in stages/stages.toml runs as its own uvicorn process (one worker, no access
log) on 127.0.0.1, in a virtualenv of its own under bench/work/venvs/, on a database of its own seeded with
the same 50 users and 500 posts. wrk, in a process of its own, drives one stage at a time; the stages take
turns run by run (interleaved), the whole sweep is repeated, and ratios are taken pair by pair within a
repetition. The "remote" PostgreSQL cases put bench/delay_proxy.py between the app and the server.

Every process the run starts runs in a process group of its own and is stopped on the way out, also on Ctrl-C
or SIGTERM.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import WORK, HarnessError, analysis
from bench.charts import draw_charts
from bench.counts import count_statements
from bench.databases import POSTGRES_URL, POSTS, USERS, create_pg_databases, drop_pg_databases
from bench.environment import build_venv, load_average, machine, stage_versions, tool_versions
from bench.load import WRK_TIMEOUT_S, Run
from bench.plan import ENDPOINTS, Plan
from bench.processes import PROCESSES
from bench.profiling import profile
from bench.render import write_report
from bench.sweep import BUSY_CPU, IDLE_LIMIT_S, STALL_SHARE, sweep


def preflight() -> None:
    """wrk and PostgreSQL are there: a harness error before anything starts, not a failed measurement."""
    if shutil.which("wrk") is None:
        raise HarnessError("wrk is not installed: apt-get install -y wrk (Debian's package)")
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as error:
        raise HarnessError(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}") from error


def run(plan: Plan, *, keep_databases: bool = False) -> int:
    """The exit status: 0, 1 (a quick run that found the harness broken), 2 (harness error), 130 (stopped)."""
    started = time.monotonic()
    plan.out.mkdir(parents=True, exist_ok=True)
    for folder in ("db", "logs", "counts"):
        (WORK / folder).mkdir(parents=True, exist_ok=True)
    print(f"== bench: {len(plan.stages)} stages, {'quick' if plan.quick else 'full'} run into {plan.out}")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "tools": tool_versions(),
    }
    try:
        for stage in dict.fromkeys(plan.count_stages + plan.stages):
            print(f"== environment for {stage.dir}", flush=True)
            build_venv(stage)
        results["versions"] = {stage.dir: stage_versions(stage) for stage in plan.stages}
        counts = {}
        for stage in plan.count_stages:
            print(f"== SQL statements per request: {stage.dir}", flush=True)
            counts[stage.dir] = count_statements(stage, WORK / "counts" / f"{stage.dir}.json")
        results["postgres_server"] = create_pg_databases(plan.stages)
        rtts: dict[str, list[float]] = {}
        runs = sweep(plan, rtts)
        results |= {
            "plan": plan_record(plan),
            "proxy_rtt_ms": rtts,
            "statement_counts": counts,
            "runs": [asdict(run) for run in runs],
        }
        results["summary"] = analysis.summary_rows(results)
        results["profiles"] = profile_below_target(plan, results) if plan.profile else []
        results["elapsed_s"] = round(time.monotonic() - started)
        results["machine"]["load_average_at_end"] = load_average()
        (plan.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        write_report_and_charts(results, plan.out)
        print(
            f"== wrote {plan.out}/results.json, REPORT.md and charts in {results['elapsed_s'] / 60:.1f} min"
        )
        if plan.quick:
            problems = quick_failures(runs, counts, rtts, plan)
            for problem in problems:
                print(f"FAILED: {problem}", file=sys.stderr)
            return 1 if problems else 0
        return 0
    except HarnessError as error:
        print(f"bench harness failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print(f"bench interrupted ({interrupt}); stopping every process it started", file=sys.stderr)
        return 130
    finally:
        PROCESSES.stop_all()
        if not keep_databases:
            with contextlib.suppress(Exception):
                drop_pg_databases(plan.stages)


def plan_record(plan: Plan) -> dict[str, Any]:
    """The plan as results.json keeps it, with the thresholds the report quotes."""
    return {
        "stages": [stage.dir for stage in plan.stages],
        "baseline": plan.stages[0].dir,
        "final": plan.stages[-1].dir,
        "cases": [asdict(case) for case in plan.cases],
        "endpoints": {key: asdict(endpoint) for key, endpoint in ENDPOINTS.items()},
        "concurrency": list(plan.concurrency),
        "repetitions": plan.repetitions,
        "warmup_requests": plan.warmup_requests,
        "wrk_timeout_s": WRK_TIMEOUT_S,
        "idle_limit_s": IDLE_LIMIT_S,
        "stall_share": STALL_SHARE,
        "busy_cpu": BUSY_CPU,
        "data": {"users": USERS, "posts": POSTS},
        "quick": plan.quick,
    }


def profile_below_target(plan: Plan, results: dict[str, Any]) -> list[str]:
    """The final stage profiled where it falls furthest below the baseline with one connection, per local
    database: the names of the profiles, written next to results.json."""
    names = []
    for case_key, endpoint in analysis.below_target(results):
        print(f"== profile: {plan.stages[-1].dir} {ENDPOINTS[endpoint].label} on {case_key}", flush=True)
        case = next(c for c in plan.cases if c.key == case_key)
        names.append(profile(plan.stages[-1], case, ENDPOINTS[endpoint], 3, plan.out))
    return names


def write_report_and_charts(results: dict[str, Any], folder: Path) -> None:
    write_report(results, folder)
    draw_charts(analysis.Results(results), folder)


def quick_failures(
    runs: list[Run], counts: dict[str, dict[str, Any]], rtts: dict[str, list[float]], plan: Plan
) -> list[str]:
    """In quick mode every run must have served requests, all 2xx; the harness is broken otherwise."""
    problems = []
    for run in runs:
        where = f"{run.case} {run.endpoint} c={run.concurrency} {run.stage}"
        if run.requests == 0 or run.stalled or run.late:
            problems.append(f"{where}: {run.requests} requests (stalled or late)")
        if run.non2xx or run.socket_errors:
            problems.append(f"{where}: {run.non2xx} non-2xx, {run.socket_errors} socket errors")
    for case in plan.cases:
        if case.rtt_ms and min(rtts.get(case.key, [0.0])) < case.rtt_ms:
            problems.append(f"{case.key}: the proxy added less than {case.rtt_ms} ms ({rtts.get(case.key)})")
    for stage, result in counts.items():
        if not result["passed"]:
            problems.append(f"statement counts failed for {stage} (bench/work/logs/counts-{stage}.log)")
    return problems
