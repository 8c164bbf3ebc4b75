"""What a run measures: the stages, the databases (cases), the endpoints and the concurrency levels."""

from __future__ import annotations

import argparse
import math
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


# Runs are short because the matrix is large (see Plan.budget); the 20 ms case gets longer ones because each
# request takes several round trips there (at 2 ms, one second still holds a hundred requests or more).
CASES: tuple[Case, ...] = (
    Case("sqlite", "SQLite", "sqlite", tuple(ENDPOINTS)),
    Case("postgres", "PostgreSQL", "postgresql", tuple(ENDPOINTS)),
    Case("postgres-2ms", "PostgreSQL, 2 ms away", "postgresql", ("post",), 2.0),
    Case("postgres-20ms", "PostgreSQL, 20 ms away", "postgresql", ("post", "posts"), 20.0, duration_s=2),
)
CONCURRENCY = (1, 16, 64, 256)


@dataclass(frozen=True)
class Config:
    """How a stage's server runs. `plain` is every stage's own requirements (uvicorn without extras) and the
    headline, on every stage; the others take their turns after it, on `stages` ("pair": the baseline and the
    final stage; "sync": the stages whose routes use a sync Session; "final"), `cases`, `endpoints` and at the
    concurrency `levels` (those of the plan; a quick plan's nearest), in groups of servers up at once
    (`group`: all at once, their pools would exceed PostgreSQL's 100 connections)."""

    key: str
    label: str
    loop: str = "asyncio"
    http: str = "h11"
    workers: int = 1
    # > 0: bench/tuned_app.py runs the stage with a pool of this many connections in all, as many sessions at
    # a time (its MAX_SESSIONS) and at least as many threads; the stage's code is unchanged.
    pool: int = 0
    # bench/tuned_app.py gives the async engine the app-specific tuning: no reset on return on SQLite, a
    # checkout listener that asks asyncpg's is_closed() instead of pool_pre_ping on PostgreSQL.
    engine_tuning: bool = False
    stages: str = "all"
    cases: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    baseline_levels: tuple[int, ...] = ()  # "sync": the baseline at these only (none: at `levels`)
    group: int = 0


TUNED_LEVELS = (16, 64, 256)  # where a sync stage runs tuned: more connections than its pool has
CONFIGS = {
    c.key: c
    for c in [
        Config("plain", "uvicorn (asyncio loop, h11)"),
        Config(
            "standard", "uvicorn[standard] (uvloop, httptools)", loop="uvloop", http="httptools",
            stages="pair", cases=("postgres",), endpoints=("post", "posts"), levels=(1, 64), group=1,
        ),
        Config(
            "tuned", "the engine tuned for this app", engine_tuning=True, stages="final",
            cases=("sqlite", "postgres", "postgres-20ms"), endpoints=("post", "posts", "create"),
            levels=(1, 64), group=1,
        ),
        Config(
            "pool40", "pool of 40", pool=40, stages="sync", cases=("sqlite", "postgres", "postgres-20ms"),
            endpoints=("post", "posts"), levels=TUNED_LEVELS, baseline_levels=(64,), group=2,
        ),
        # uvicorn --workers: as many as the machine has cores (2 here; a larger machine would add a config).
        Config(
            "workers2", "2 workers", workers=2, stages="sync", cases=("sqlite", "postgres", "postgres-20ms"),
            endpoints=("post", "posts"), levels=TUNED_LEVELS, baseline_levels=(64,), group=2,
        ),
    ]
}  # fmt: skip
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
    def sync_stages(self) -> tuple[manifest.Stage, ...]:
        """The stages whose routes use a sync Session, the ones a reader could tune instead of migrating."""
        return tuple(stage for stage in self.stages[:-1] if serves_sync(stage))

    def config_stages(self, config: Config) -> tuple[manifest.Stage, ...]:
        return {
            "all": self.stages, "pair": self.pair, "final": self.stages[-1:], "sync": self.sync_stages,
        }[config.stages]  # fmt: skip

    def levels(self, config: Config, stage: manifest.Stage) -> tuple[int, ...]:
        """The concurrency levels where this stage runs in this configuration: the configuration's, or the
        plan's nearest to each (a quick or narrowed plan has fewer)."""
        if config.key == "plain":
            return self.concurrency
        wanted = (
            config.baseline_levels if stage == self.stages[0] and config.baseline_levels else config.levels
        )
        return tuple(sorted({min(self.concurrency, key=lambda c: abs(math.log(c / w))) for w in wanted}))

    def measures(
        self, config: Config, case: Case, endpoint: str, concurrency: int, stage: manifest.Stage
    ) -> bool:
        """Whether a server in this configuration takes a turn at this case, endpoint and concurrency."""
        if config.key == "plain":
            return True
        return (
            case.key in config.cases
            and endpoint in config.endpoints
            and concurrency in self.levels(config, stage)
        )

    def budget(self) -> tuple[int, float]:
        """The number of wrk runs, and the seconds of load they add up to."""
        durations = [
            case.duration_s
            for _ in range(self.repetitions)
            for case in self.cases
            for config in self.configs
            for stage in self.config_stages(config)
            for endpoint in case.endpoints
            for concurrency in self.concurrency
            if self.measures(config, case, endpoint, concurrency, stage)
        ]
        return len(durations), float(sum(durations))


def serves_sync(stage: manifest.Stage) -> bool:
    """Its routes use a sync Session: its main.py never names AsyncSession."""
    return "AsyncSession" not in (stage.path / "main.py").read_text(encoding="utf-8")


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
        warmup_requests=20, count_stages=benched, profile=not args.no_profile, quick=False,
        out=args.out or BENCH / "report", configs=configs,
        growth_sizes=() if "growth" in skip else GROWTH_SIZES, growth_duration_s=1.0,
        memory_posts=0 if "memory" in skip else MEMORY_POSTS,
    )  # fmt: skip
