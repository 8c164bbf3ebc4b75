"""What a run measures: the stages, the databases (cases), the endpoints and the concurrency levels."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from bench import BENCH, WORK, HarnessError
from tools import stages as manifest


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    script: str  # in bench/wrk/
    writes: bool = False


ENDPOINTS = {
    e.key: e
    for e in [
        Endpoint("post", "GET /api/posts/{id}", "/api/posts/1", "get_post_by_id.lua"),
        Endpoint("posts", "GET /api/posts", "/api/posts", "get.lua"),
        Endpoint("home", "GET /", "/", "get.lua"),
        Endpoint("create", "POST /api/posts", "/api/posts", "create_post.lua", writes=True),
    ]
}


@dataclass(frozen=True)
class Case:
    """A database the stages run on, and the endpoints measured there."""

    key: str
    label: str
    backend: str  # "sqlite" or "postgresql"
    endpoints: tuple[str, ...]
    rtt_ms: float = 0.0  # > 0: through bench/delay_proxy.py, a "remote" database
    duration_s: int = 1  # per run; wrk takes whole seconds


# Runs are short because the matrix is large (528 runs); the remote cases get longer ones because each request
# takes several round trips there.
CASES: tuple[Case, ...] = (
    Case("sqlite", "SQLite", "sqlite", tuple(ENDPOINTS)),
    Case("postgres", "PostgreSQL", "postgresql", tuple(ENDPOINTS)),
    Case("postgres-2ms", "PostgreSQL, 2 ms away", "postgresql", ("post",), 2.0, duration_s=2),
    Case("postgres-20ms", "PostgreSQL, 20 ms away", "postgresql", ("post", "posts"), 20.0, duration_s=2),
)
CONCURRENCY = (1, 16, 64, 256)


@dataclass(frozen=True)
class Plan:
    stages: tuple[manifest.Stage, ...]  # the first is the baseline, the last the final stage
    cases: tuple[Case, ...]
    concurrency: tuple[int, ...]  # the first is the one every ratio at "concurrency 1" uses
    repetitions: int
    warmup_requests: int
    count_stages: tuple[manifest.Stage, ...]  # whose SQL statements per request are counted
    profile: bool
    quick: bool
    out: Path


def make_plan(args: argparse.Namespace) -> Plan:
    """The full matrix, narrowed by the command line; or the quick one, which only proves the harness."""
    every = manifest.load()
    benched = tuple(stage for stage in every if stage.bench)
    golden = manifest.golden()
    if golden not in benched or every[-1] not in benched:
        raise HarnessError("stages.toml must mark the golden stage and the last stage with bench = true")
    cases = CASES
    if args.quick:
        pair = (golden, every[-1])
        cases = tuple(replace(c, endpoints=("post",), duration_s=1) for c in cases if c.key != "postgres-2ms")
        return Plan(
            stages=pair, cases=cases, concurrency=(1, 16), repetitions=1, warmup_requests=5,
            count_stages=pair, profile=False, quick=True, out=args.out or WORK / "quick",
        )  # fmt: skip
    if args.cases:
        cases = tuple(case for case in cases if case.key in args.cases)
    if args.endpoints:
        cases = tuple(
            replace(c, endpoints=tuple(e for e in c.endpoints if e in args.endpoints)) for c in cases
        )
    if args.duration:
        cases = tuple(replace(c, duration_s=args.duration) for c in cases)
    return Plan(
        stages=benched, cases=tuple(case for case in cases if case.endpoints),
        concurrency=tuple(args.concurrency or CONCURRENCY), repetitions=args.repetitions,
        warmup_requests=20, count_stages=tuple(every), profile=not args.no_profile, quick=False,
        out=args.out or BENCH / "report",
    )  # fmt: skip
