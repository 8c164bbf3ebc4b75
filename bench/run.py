"""One benchmark run from start to end: the stages' environments, their statement counts and driver calls on
each database, the cost of one aiosqlite hand-off, the sweep (with the other server configurations), the
growth and memory measurements and the profiles, written as results.json, then REPORT.md and the charts.

Every stage marked `bench = true` in stages/stages.toml runs as its own uvicorn process (one worker, no access
log) on 127.0.0.1, in a virtualenv of its own under bench/work/venvs/, on a database of its own seeded with
the same 50 users and 500 posts. wrk, in a process of its own, drives one stage at a time; the stages take
turns run by run (interleaved), the whole sweep is repeated, and ratios are taken pair by pair within a
repetition. The "remote" PostgreSQL cases put bench/delay_proxy.py between the app and the server. The
baseline and the final stage also run in the other configurations of bench/plan.py's CONFIGS, and alone for
the growth (bench/growth.py) and memory (bench/memory.py) measurements.

Every process the run starts runs in a process group of its own and is stopped on the way out, also on Ctrl-C
or SIGTERM.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import ROOT, WORK, HarnessError, analysis
from bench.charts import draw_charts
from bench.counts import BACKENDS, count_statements
from bench.databases import (
    POSTGRES_URL,
    POSTS,
    USERS,
    create_pg_databases,
    drop_pg_databases,
    remove_sqlite_files,
)
from bench.environment import build_venv, load_average, machine, stage_python, stage_versions, tool_versions
from bench.growth import growth
from bench.load import WRK_TIMEOUT_S, Run
from bench.memory import memory
from bench.plan import ENDPOINTS, GROWTH_PATHS, Plan
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
    runs_planned, load_s = plan.budget()
    print(
        f"== bench: {len(plan.stages)} stages, {'quick' if plan.quick else 'full'} run into {plan.out}: "
        f"{runs_planned} wrk runs, {load_s / 60:.1f} min of load",
        flush=True,
    )
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "tools": tool_versions(),
    }
    phases: dict[str, float] = {}  # seconds each part of the run took: where the 25 minutes go
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        phases[name] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    try:
        for stage in dict.fromkeys(plan.count_stages + plan.stages):
            print(f"== environment for {stage.dir}", flush=True)
            build_venv(stage)
        results["versions"] = {stage.dir: stage_versions(stage) for stage in plan.stages}
        results["postgres_server"] = create_pg_databases(plan.stages)
        remove_sqlite_files(plan.stages)
        lap("environments")
        counts: dict[str, dict[str, Any]] = {backend: {} for backend in BACKENDS}
        for backend in BACKENDS:
            for stage in plan.count_stages:
                print(f"== SQL statements and driver calls per request: {stage.dir} on {backend}", flush=True)
                out = WORK / "counts" / f"{stage.dir}-{backend}.json"
                counts[backend][stage.dir] = count_statements(stage, backend, out)
        lap("counts")
        handoff = measure_handoff(plan)
        rtts: dict[str, list[float]] = {}
        runs = sweep(plan, rtts)
        lap("sweep")
        results |= {
            "plan": plan_record(plan),
            "proxy_rtt_ms": rtts,
            "statement_counts_by_database": counts,
            "handoff": handoff,
            "runs": [asdict(run) for run in runs],
            "growth": growth(plan) if plan.growth_sizes else [],
        }
        lap("growth")
        results["memory"] = memory(plan) if plan.memory_posts else []
        lap("memory")
        results["summary"] = analysis.summary_rows(results)
        results["c1_ratios"] = analysis.c1_ratios(results)
        results["profiles"] = profile_below_target(plan, results) if plan.profile else []
        lap("profiles")
        results["phases_s"] = phases
        results["elapsed_s"] = round(time.monotonic() - started)
        results["machine"]["load_average_at_end"] = load_average()
        (plan.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        write_report_and_charts(results, plan.out)
        print(
            f"== wrote {plan.out}/results.json, REPORT.md and charts in {results['elapsed_s'] / 60:.1f} min"
        )
        if plan.quick:
            problems = quick_failures(runs, counts, rtts, plan, results)
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
        "configs": {config.key: asdict(config) for config in plan.configs},
        "sync_stages": [stage.dir for stage in plan.sync_stages],
        "levels": {
            config.key: {stage.dir: list(plan.levels(config, stage)) for stage in plan.config_stages(config)}
            for config in plan.configs
        },
        "growth_paths": GROWTH_PATHS,
        "growth_sizes": list(plan.growth_sizes),
        "growth_duration_s": plan.growth_duration_s,
    }


def measure_handoff(plan: Plan) -> dict[str, Any]:
    """bench/handoff.py in the final stage's virtualenv (its aiosqlite), while no server runs: a second or
    two."""
    final = plan.stages[-1]
    print(f"== the cost of one aiosqlite hand-off, in {final.dir}'s virtualenv", flush=True)
    args = [str(stage_python(final)), "-m", "bench.handoff"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise HarnessError(f"bench/handoff.py failed in {final.dir}'s virtualenv:\n{done.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(done.stdout)
    found["stage"] = final.dir
    print(
        f"== one hand-off: {found['cost_us']:.1f} us ({found['aiosqlite_us']:.1f} us a call through "
        f"aiosqlite, {found['direct_us']:.2f} us directly)",
        flush=True,
    )
    return found


def profile_below_target(plan: Plan, results: dict[str, Any]) -> list[str]:
    """The final stage profiled where it falls furthest below the baseline with one connection, per local
    database: the names of the profiles, written next to results.json (in place of an earlier run's)."""
    for earlier in plan.out.glob("profile-*.txt"):
        earlier.unlink()
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
    runs: list[Run],
    counts: dict[str, dict[str, Any]],
    rtts: dict[str, list[float]],
    plan: Plan,
    results: dict[str, Any],
) -> list[str]:
    """In quick mode every run must have served requests, all 2xx, every configuration must have taken its
    turns, and the growth and memory measurements must have measured; the harness is broken otherwise."""
    problems = []
    for config in plan.configs:
        if not any(run.config == config.key for run in runs):
            problems.append(f"no run with the {config.key} configuration")
    for run in runs:
        where = f"{run.case} {run.endpoint} c={run.concurrency} {run.stage} {run.config}"
        if run.requests == 0 or run.stalled or run.late:
            problems.append(f"{where}: {run.requests} requests (stalled or late)")
        if run.non2xx or run.socket_errors:
            problems.append(f"{where}: {run.non2xx} non-2xx, {run.socket_errors} socket errors")
    for case in plan.cases:
        if case.rtt_ms and min(rtts.get(case.key, [0.0])) < case.rtt_ms:
            problems.append(f"{case.key}: the proxy added less than {case.rtt_ms} ms ({rtts.get(case.key)})")
    for backend, by_stage in counts.items():
        for stage, result in by_stage.items():
            log = f"bench/work/logs/counts-{stage}-{backend}.log"
            if not result["passed"]:
                problems.append(f"statement counts failed for {stage} on {backend} ({log})")
            if not all("driver_calls" in found for found in result["counts"].values()):
                problems.append(f"no driver calls counted for {stage} on {backend} ({log})")
    if not results["handoff"]["cost_us"] > 0:
        problems.append(f"the hand-off was measured as costing nothing: {results['handoff']}")
    expected = len(plan.growth_sizes) * len(GROWTH_PATHS) * len(plan.pair)
    if len([point for point in results["growth"] if point["requests"]]) != expected:
        problems.append(f"growth: {len(results['growth'])} points, {expected} expected")
    for found in results["memory"]:
        if not found["peak_mb"] or not found["requests"] or found["non2xx"] or found["socket_errors"]:
            problems.append(f"memory: {found}")
    if plan.memory_posts and len(results["memory"]) != len(plan.pair):
        problems.append("memory: not measured for both stages")
    return problems
