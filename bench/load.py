"""Load generation: one wrk run against one server, and what it measured."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from typing import Any

from bench import BENCH, HarnessError
from bench.databases import POSTS, USERS
from bench.plan import Case, Endpoint
from bench.servers import Server

WRK_SCRIPTS = BENCH / "wrk"
# A response slower than this counts as a timeout (wrk leaves it out of the percentiles).
WRK_TIMEOUT_S = 2


@dataclass
class Run:
    """One stage, one endpoint, one concurrency, one repetition: a row of results.json's `runs`."""

    repetition: int
    case: str
    endpoint: str
    concurrency: int
    stage: str
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    timeouts: int
    socket_errors: int
    # Far fewer answers than one connection got (see sweep.STALL_SHARE), with the server idle (stalled: stuck,
    # waiting on something) or busy (late: it worked the whole run, but its answers come after the run).
    stalled: bool = False
    late: bool = False
    server_cpu: float = 0.0  # CPU seconds the server used per second of the run (its threads and workers)
    # Why the server was restarted after this run: "stalled", "no answer" (to a probe after errors), or
    # "busy" (still working off abandoned requests; restarting is quicker than waiting).
    restarted: str = ""
    idle_wait_s: float = 0.0
    config: str = "plain"  # a key of plan.CONFIGS: how the server ran
    # bench/tuned_app.py's report after the run (pool, sessions, threads, peak connections), where it ran.
    tuning: dict[str, Any] | None = None


def wrk(
    server: Server, endpoint: Endpoint, concurrency: int, duration_s: int, timeout_s: int = WRK_TIMEOUT_S
) -> dict[str, Any]:
    """wrk with one thread and `concurrency` connections; bench/wrk/common.lua prints a BENCH_JSON line."""
    args = [
        "wrk", "-t", "1", "-c", str(concurrency), "-d", f"{duration_s}s", "--timeout", f"{timeout_s}s",
        "-s", str(WRK_SCRIPTS / endpoint.script), server.base + endpoint.path,
    ]  # fmt: skip
    env = {**os.environ, "BENCH_POSTS": str(POSTS), "BENCH_USERS": str(USERS)}
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, env=env, timeout=duration_s + timeout_s + 60
        )
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"wrk did not finish: {' '.join(args)}") from error
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            found: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return found
    raise HarnessError(f"wrk printed no result ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def to_run(
    raw: dict[str, Any],
    repetition: int,
    case: Case,
    endpoint: Endpoint,
    concurrency: int,
    stage: str,
    config: str = "plain",
) -> Run:
    """wrk's numbers (microseconds) as a Run (milliseconds, requests per second)."""
    seconds = raw["duration_us"] / 1e6
    return Run(
        repetition=repetition,
        case=case.key,
        endpoint=endpoint.key,
        concurrency=concurrency,
        stage=stage,
        duration_s=round(seconds, 3),
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds, 2) if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        non2xx=raw["non2xx"],
        timeouts=raw["timeouts"],
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
        config=config,
    )
