"""Measurement: the stages take turns under load, run by run; stalled and late runs are told apart.

For each repetition and each case (database), every stage's server is started, seeded and warmed up; then for
each endpoint and concurrency the stages take turns, one wrk run each, in an order rotated every repetition.
After a run the server must be idle and answering before the next one starts, or it is restarted. Then the
same for the servers in the other configurations (bench/plan.py's CONFIGS), on data seeded afresh.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import TypeVar

from bench.databases import database_url, measure_rtt, seed
from bench.load import Run, to_run, wrk
from bench.plan import ENDPOINTS, Case, Config, Endpoint, Plan
from bench.processes import PROCESSES, cpu_seconds, wait_until_idle
from bench.servers import Server, get, restart, start_proxy, start_server, tuning, wait_ready, warm_up

# After a run, wait this long for the server to finish requests wrk abandoned, then restart it instead.
IDLE_LIMIT_S = 2.0
# Unless it is sure not to finish them in that time: wrk leaves one request in flight per connection, and a
# server that answered fewer than this many a second per connection left in flight is restarted at once
# (1 / (2 * IDLE_LIMIT_S): twice the wait would not be enough).
SURELY_BUSY_RATE = 1 / (2 * IDLE_LIMIT_S)
# A run is "stalled" when it serves less than this share of what the same server served with one connection
# while the server used less than BUSY_CPU of a core (stuck: a deadlocked server uses next to none); "late"
# when it used more (working through a queue, on the CPU or waiting on a slow database).
STALL_SHARE = 0.25
BUSY_CPU = 0.2

T = TypeVar("T")


def sweep(plan: Plan, rtts: dict[str, list[float]]) -> list[Run]:
    """Every run of the plan; each remote case's measured round trips are added to `rtts`."""
    total, _ = plan.budget()
    progress = Progress(total, plan.repetitions)
    runs: list[Run] = []
    for repetition in range(1, plan.repetitions + 1):
        for case in plan.cases:
            runs += sweep_case(plan, case, repetition, progress, rtts)
    return runs


def sweep_case(
    plan: Plan, case: Case, repetition: int, progress: Progress, rtts: dict[str, list[float]]
) -> list[Run]:
    """One repetition on one database: every stage's plain server, all up at once, taking turns; then the
    servers in the other configurations, a group at a time (bench/plan.py's Config.group, group_of), taking
    turns where plan.measures says. Not all at once on PostgreSQL: with every server's pool open, it would run
    out of its 100 connections."""
    label = f"rep{repetition}"
    proxy = None
    runs: list[Run] = []
    try:
        proxy_port = None
        if case.rtt_ms:
            proxy, proxy_port = start_proxy(case, label)
            rtts.setdefault(case.key, []).append(round(measure_rtt(proxy_port, plan.stages[0]), 2))
        for group in dict.fromkeys(group_of(config, case) for config in plan.configs):
            servers = [
                Server(stage, case, database_url(stage, case, proxy_port), config)
                for config in plan.configs
                if group_of(config, case) == group
                for stage in plan.config_stages(config)
                if any(
                    plan.measures(config, case, e, c, stage) for e in case.endpoints for c in plan.concurrency
                )
            ]
            if servers:
                runs += take_turns(plan, case, servers, repetition, progress, label)
    finally:
        if proxy is not None:
            PROCESSES.stop(proxy)
    return runs


def group_of(config: Config, case: Case) -> int:
    """The servers up at once: on PostgreSQL plain's, then each group of the other configurations (all their
    pools together would exceed its connections); on SQLite, which has no such limit, all of them."""
    return config.group if case.backend == "postgresql" else 0


def take_turns(
    plan: Plan, case: Case, servers: list[Server], repetition: int, progress: Progress, label: str
) -> list[Run]:
    """The servers started, their stages' databases seeded afresh, then one run each per endpoint and
    concurrency, in an order rotated every repetition."""
    runs: list[Run] = []
    # One server per database first: the app creates its tables when it starts, and two servers creating
    # them in one new SQLite file at once race (one fails: "table users already exists").
    first: dict[str, Server] = {}
    for server in servers:
        first.setdefault(server.url, server)
    others = [server for server in servers if first[server.url] is not server]
    try:
        for batch in (list(first.values()), others):
            for server in batch:
                start_server(server, label)
            for server in batch:
                wait_ready(server)
        for stage in dict.fromkeys(server.stage for server in servers):
            seed(stage, case)
        for server in servers:  # the endpoints it will be measured on
            endpoints = tuple(
                e
                for e in case.endpoints
                if any(plan.measures(server.config, case, e, c, server.stage) for c in plan.concurrency)
            )
            warm_up(server, endpoints, plan.warmup_requests)
        order = rotate(servers, repetition - 1)
        for key in case.endpoints:
            endpoint = ENDPOINTS[key]
            single: dict[str, float] = {}  # req/s with the first concurrency, per server
            for concurrency in plan.concurrency:
                for server in order:
                    if not plan.measures(server.config, case, key, concurrency, server.stage):
                        continue
                    run = measure(server, endpoint, concurrency, case, repetition)
                    if concurrency == plan.concurrency[0]:
                        single[server.name] = run.rps
                    if far_too_few(run, single.get(server.name)):
                        run.stalled = run.server_cpu < BUSY_CPU
                        run.late = not run.stalled
                    if server.config.pool or server.config.engine_tuning:
                        with contextlib.suppress(OSError):  # a server too busy to say is seen in `restarted`
                            run.tuning = tuning(server)
                    run.restarted = settle(server, run, label)
                    runs.append(run)
                    print(progress.line(run, case, endpoint), flush=True)
    finally:
        for server in servers:
            if server.proc is not None:
                PROCESSES.stop(server.proc)
    return runs


def measure(server: Server, endpoint: Endpoint, concurrency: int, case: Case, repetition: int) -> Run:
    """One wrk run, with the CPU the server used meanwhile."""
    cpu_before = cpu_seconds(server.pid)
    raw = wrk(server, endpoint, concurrency, case.duration_s)
    run = to_run(raw, repetition, case, endpoint, concurrency, server.stage.dir, server.config.key)
    run.server_cpu = round((cpu_seconds(server.pid) - cpu_before) / run.duration_s, 2)
    return run


def far_too_few(run: Run, single_connection_rps: float | None) -> bool:
    """Served nothing, or far less than one connection got from the same server: more load must not."""
    if run.requests == 0:
        return True
    if single_connection_rps and run.concurrency > 1:
        return run.rps < STALL_SHARE * single_connection_rps
    return False


def settle(server: Server, run: Run, label: str) -> str:
    """Leave the server idle and answering before the next run; restart it if it is not. Why it was."""
    if run.stalled:
        reason = "stalled"
    elif run.rps < SURELY_BUSY_RATE * run.concurrency:
        reason = "busy"  # waiting would only add IDLE_LIMIT_S to the restart
    else:
        idle, run.idle_wait_s = wait_until_idle(server.pid, limit_s=IDLE_LIMIT_S)
        run.idle_wait_s = round(run.idle_wait_s, 2)
        reason = "" if idle else "busy"
        if idle and (run.non2xx or run.socket_errors or run.timeouts):
            reason = "" if get(server, "/api/posts?limit=1", timeout_s=2) == 200 else "no answer"
    if reason:
        restart(server, label)
    return reason


def rotate(items: Sequence[T], by: int) -> list[T]:
    """The stages' order in a repetition: each one goes first in turn."""
    by %= len(items)
    return [*items[by:], *items[:by]]


class Progress:
    """One line per run, with an estimate of the time left."""

    def __init__(self, total: int, repetitions: int) -> None:
        self.total = total
        self.repetitions = repetitions
        self.done = 0
        self.started = time.monotonic()

    def line(self, run: Run, case: Case, endpoint: Endpoint) -> str:
        self.done += 1
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        flags = " STALLED" if run.stalled else " late" if run.late else ""
        flags += f" restarted ({run.restarted})" if run.restarted else ""
        name = run.stage if run.config == "plain" else f"{run.stage}+{run.config}"
        return (
            f"[{self.done:>3}/{self.total} rep {run.repetition}/{self.repetitions} eta {eta / 60:4.1f} min] "
            f"{case.key:<13} {endpoint.label:<20} c={run.concurrency:<3} {name:<31} "
            f"{run.rps:9.1f} req/s  p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms  "
            f"non-2xx {run.non2xx}  timeouts {run.timeouts}  socket errors {run.socket_errors}{flags}"
        )
