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
class Config:
    """How a stage's server runs. `plain` is every stage's own requirements (uvicorn without extras) and the
    headline; the others take their turns after it on some cases, on EXTRA_ENDPOINTS, at the first
    concurrency and at EXTRA_HIGH, or at EXTRA_HIGH only."""

    key: str
    label: str
    loop: str = "asyncio"
    http: str = "h11"
    workers: int = 1
    # > 0: bench/tuned_app.py runs the stage with a pool of this many connections in all, as many sessions at
    # a time (its MAX_SESSIONS) and at least as many threads; the stage's code is unchanged.
    pool: int = 0
    baseline_only: bool = False  # the sync baseline tuned instead of migrated
    cases: tuple[str, ...] = ()  # where it runs (plain: everywhere)
    high_only: bool = False  # at EXTRA_HIGH only, not also at the first concurrency


CONFIGS = {
    c.key: c
    for c in [
        Config("plain", "uvicorn (asyncio loop, h11)"),
        Config(
            "standard", "uvicorn[standard] (uvloop, httptools)", loop="uvloop", http="httptools",
            cases=("postgres",),
        ),
        Config(
            "pool40", "pool of 40", pool=40, baseline_only=True, cases=("postgres", "postgres-20ms"),
            high_only=True,
        ),
        Config(
            "workers2", "2 workers", workers=2, baseline_only=True, cases=("postgres", "postgres-20ms"),
            high_only=True,
        ),
    ]
}  # fmt: skip
EXTRA_ENDPOINTS = ("post", "posts", "home")
# The high concurrency the other configurations run at (or the plan's highest below it): more connections
# than the sync stages have threads, and few enough that their runs seldom end in a restart (a busy server),
# which keeps the whole run within 25 minutes.
EXTRA_HIGH = 64
# Growth with the data: the list and page endpoints at each size, first page (the plain path); user 1 has a
# USERS-th of the posts.
GROWTH_PATHS = {
    "home": "/",
    "posts": "/api/posts",
    "user_page": "/users/1/posts",
    "user_posts": "/api/users/1/posts",
}
GROWTH_SIZES = (500, 5_000, 50_000)
# Memory: the final stage's server serving MEMORY_CONNECTIONS concurrent GET / over MEMORY_POSTS posts of
# MEMORY_CHARS characters each; the target is a peak RSS under MEMORY_TARGET_MB.
MEMORY_POSTS, MEMORY_CHARS, MEMORY_CONNECTIONS, MEMORY_TARGET_MB = 3_000, 10_000, 40, 150


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
    configs: tuple[Config, ...]  # plain first
    growth_sizes: tuple[int, ...]  # posts; none: no growth measurement
    growth_duration_s: float  # per endpoint, size and stage
    memory_posts: int  # 0: no memory measurement

    @property
    def pair(self) -> tuple[manifest.Stage, manifest.Stage]:
        return self.stages[0], self.stages[-1]

    @property
    def extra_concurrency(self) -> tuple[int, ...]:
        """Where the configurations other than plain run: the first concurrency, and EXTRA_HIGH."""
        high = max((c for c in self.concurrency if c <= EXTRA_HIGH), default=self.concurrency[0])
        return tuple(dict.fromkeys((self.concurrency[0], high)))

    def config_stages(self, config: Config) -> tuple[manifest.Stage, ...]:
        if config.key == "plain":
            return self.stages
        return self.stages[:1] if config.baseline_only else self.pair

    def measures(self, config: Config, case: Case, endpoint: str, concurrency: int) -> bool:
        """Whether a server in this configuration takes a turn at this case, endpoint and concurrency."""
        if config.key == "plain":
            return True
        levels = self.extra_concurrency[-1:] if config.high_only else self.extra_concurrency
        return case.key in config.cases and endpoint in EXTRA_ENDPOINTS and concurrency in levels


def make_plan(args: argparse.Namespace) -> Plan:
    """The full matrix, narrowed by the command line; or the quick one, which only proves the harness."""
    every = manifest.load()
    benched = tuple(stage for stage in every if stage.bench)
    golden = manifest.golden()
    if golden not in benched or every[-1] not in benched:
        raise HarnessError("stages.toml must mark the golden stage and the last stage with bench = true")
    cases = CASES
    skip = set(args.skip or ())
    configs = tuple(c for c in CONFIGS.values() if c.key == "plain" or "configs" not in skip)
    if args.quick:
        pair = (golden, every[-1])
        cases = tuple(replace(c, endpoints=("post",), duration_s=1) for c in cases if c.key != "postgres-2ms")
        return Plan(
            stages=pair, cases=cases, concurrency=(1, 16), repetitions=1, warmup_requests=5,
            count_stages=pair, profile=False, quick=True, out=args.out or WORK / "quick", configs=configs,
            growth_sizes=() if "growth" in skip else (50, 500), growth_duration_s=0.3,
            memory_posts=0 if "memory" in skip else 100,
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
        out=args.out or BENCH / "report", configs=configs,
        growth_sizes=() if "growth" in skip else GROWTH_SIZES, growth_duration_s=1.0,
        memory_posts=0 if "memory" in skip else MEMORY_POSTS,
    )  # fmt: skip
