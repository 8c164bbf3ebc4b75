"""Measure what the migration buys, stage by stage, on SQLite and PostgreSQL: `nox -s bench` runs this.

    python bench/run.py            # the full run (about 20 minutes on 2 cores), written to bench/report/
    python bench/run.py --quick    # seconds of load: proves the harness works, written to bench/work/quick/

Every stage marked `bench = true` in stages/stages.toml runs as its own uvicorn process (one worker, no access
log) on 127.0.0.1, in a virtualenv of its own under bench/work/venvs/, on a database of its own seeded with
the same 50 users and 500 posts. wrk, in a process of its own, drives one stage at a time; the stages take
turns run by run (interleaved), the whole sweep is repeated, and ratios are taken pair by pair within a
repetition. The "remote" PostgreSQL cases put bench/delay_proxy.py between the app and the server.

Every process this script starts runs in a process group of its own and is stopped on the way out, also on
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))
import stages as manifest  # noqa: E402

WORK = HERE / "work"
WRK_SCRIPTS = HERE / "wrk"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
USERS, POSTS = 50, 500
# What every stage's virtualenv gets besides the stage's own requirements.txt.
STAGE_EXTRAS = HERE / "requirements-stage.txt"
# A response slower than this counts as a timeout (wrk leaves it out of the percentiles).
WRK_TIMEOUT_S = 2
# After a run, wait this long for the server to finish requests wrk abandoned, then restart it instead.
IDLE_LIMIT_S = 2.0
# A run is "stalled" when it serves less than this share of what the same server served with one connection
# while the server used less than BUSY_CPU of a core (stuck: a deadlocked server uses next to none); "late"
# when it used more (working through a queue, on the CPU or waiting on a slow database).
STALL_SHARE = 0.25
BUSY_CPU = 0.2
VERSIONED = [
    "fastapi", "starlette", "pydantic", "uvicorn", "sqlalchemy", "greenlet",
    "psycopg", "asyncpg", "aiosqlite", "jinja2",
]  # fmt: skip


class HarnessError(RuntimeError):
    """The harness itself failed (a server that does not start, wrk missing): never a measurement."""


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    script: str
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
    key: str
    label: str
    backend: str  # "sqlite" or "postgresql"
    endpoints: tuple[str, ...]
    rtt_ms: float = 0.0
    duration_s: int = 1  # per run; wrk takes whole seconds


@dataclass(frozen=True)
class Plan:
    stages: tuple[manifest.Stage, ...]
    cases: tuple[Case, ...]
    concurrency: tuple[int, ...]
    repetitions: int
    warmup_requests: int
    count_stages: tuple[manifest.Stage, ...]
    profile: bool
    quick: bool
    out: Path


@dataclass
class Run:
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
    # Far fewer answers than one connection got (see STALL_SHARE), with the server idle (stalled: stuck,
    # waiting on something) or busy (late: it worked the whole run, but its answers come after the run).
    stalled: bool = False
    late: bool = False
    server_cpu: float = 0.0  # CPU seconds the server used per second of the run (all its threads)
    # Why the server was restarted after this run: "stalled", "no answer" (to a probe after errors), or
    # "busy" (still working off abandoned requests; restarting is quicker than waiting).
    restarted: str = ""
    idle_wait_s: float = 0.0


# Processes --------------------------------------------------------------------------------------------------


class Processes:
    """Every child in a process group of its own, so that stopping it stops whatever it started too."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen] = []

    def start(self, args: list[str], *, log: Path, **kwargs) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                **kwargs,
            )  # fmt: skip
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace_s: float = 5.0) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM if grace_s else signal.SIGKILL)
            try:
                proc.wait(grace_s or None)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.running)):
            self.stop(proc, grace_s=3.0)


PROCESSES = Processes()


def on_signal(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HarnessError(f"process exited with {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise HarnessError(f"nothing listens on port {port} after {timeout_s:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, limit_s: float) -> tuple[bool, float]:
    """Wait until the process stops working off requests left over from a run: (idle, seconds waited)."""
    started = time.monotonic()
    quiet, last = 0, cpu_seconds(pid)
    while time.monotonic() - started < limit_s:
        time.sleep(0.05)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.01 else 0
        last = now
        if quiet >= 2:
            return True, time.monotonic() - started
    return False, time.monotonic() - started


# Stage environments -----------------------------------------------------------------------------------------


def uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    with contextlib.suppress(ImportError):
        from uv import find_uv_bin

        return find_uv_bin()
    raise HarnessError("uv not found: install bench/requirements.txt (nox -s bench does)")


def stage_python(stage: manifest.Stage) -> Path:
    return WORK / "venvs" / stage.dir / "bin" / "python"


def build_venv(stage: manifest.Stage) -> Path:
    """The stage's own requirements plus the harness extras, in bench/work/venvs/<stage>."""
    venv = WORK / "venvs" / stage.dir
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    reqs = ["-r", str(stage.path / "requirements.txt"), "-r", str(STAGE_EXTRAS)]
    subprocess.run([uv(), "pip", "install", "-q", "--python", str(python), *reqs], check=True)
    return python


def stage_versions(stage: manifest.Stage) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sqlite3, sys\n"
        f"names = {VERSIONED!r}\n"
        "found = {}\n"
        "for name in names:\n"
        "    try:\n"
        "        found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "found['python'] = sys.version.split()[0]\n"
        "found['sqlite'] = sqlite3.sqlite_version\n"
        "print(json.dumps(found))\n"
    )
    out = subprocess.run([str(stage_python(stage)), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# Databases --------------------------------------------------------------------------------------------------


def sqlite_path(stage: manifest.Stage) -> Path:
    return WORK / "db" / f"{stage.dir}.db"


def pg_url(stage: manifest.Stage, port: int | None = None) -> str:
    """POSTGRES_URL with the stage's own database, bench_<number>, and optionally another port."""
    parts = urlsplit(POSTGRES_URL)
    netloc = parts.netloc
    if port is not None:
        netloc = f"{netloc.rsplit('@', 1)[0]}@127.0.0.1:{port}" if "@" in netloc else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/bench_{stage.number}"))


def database_url(stage: manifest.Stage, case: Case, proxy_port: int | None) -> str:
    if case.backend == "sqlite":
        return f"sqlite:///{sqlite_path(stage)}"
    return pg_url(stage, proxy_port)


def create_pg_databases(stages: tuple[manifest.Stage, ...]) -> str:
    """One database per stage next to the test database, so nothing else's tables are touched."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        for stage in stages:
            name = f"bench_{stage.number}"
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    return version


def drop_pg_databases(stages: tuple[manifest.Stage, ...]) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        for stage in stages:
            conn.execute(f'DROP DATABASE IF EXISTS "bench_{stage.number}" WITH (FORCE)')


WORDS = (
    "async await engine session pool query latency thread loop driver request response template "
    "page post author migration eager lazy select commit rollback connection cursor index table row"
).split()


def dataset() -> tuple[list[tuple], list[tuple]]:
    """The fixed data every run starts from: 50 users and 500 posts, the same bytes every time."""
    rng = random.Random(2026)
    users = [(i, f"user{i:02d}", f"user{i:02d}@example.com", "default.svg") for i in range(1, USERS + 1)]
    start = datetime(2026, 1, 1, 8, 0)
    posts = []
    for n in range(1, POSTS + 1):
        title = f"Post {n}: " + " ".join(rng.choices(WORDS, k=4))
        content = " ".join(rng.choices(WORDS, k=rng.randint(40, 120))).capitalize() + "."
        posts.append((n, title, content, (n - 1) % USERS + 1, start + timedelta(minutes=7 * n)))
    return users, posts


def seed(stage: manifest.Stage, case: Case) -> None:
    """Replace whatever the tables hold with the fixed data set (the app has created the tables)."""
    users, posts = dataset()
    user_sql = "INSERT INTO users (id, username, email, image_file) VALUES ({0}, {0}, {0}, {0})"
    post_sql = "INSERT INTO posts (id, title, content, user_id, date_posted) VALUES ({0}, {0}, {0}, {0}, {0})"
    if case.backend == "sqlite":
        with contextlib.closing(sqlite3.connect(sqlite_path(stage), timeout=30)) as conn, conn:
            conn.execute("DELETE FROM posts")
            conn.execute("DELETE FROM users")
            conn.executemany(user_sql.format("?"), users)
            # The text SQLAlchemy's SQLite DateTime type stores and parses.
            rows = [(*row[:4], row[4].strftime("%Y-%m-%d %H:%M:%S.%f")) for row in posts]
            conn.executemany(post_sql.format("?"), rows)
        return
    import psycopg

    with psycopg.connect(pg_url(stage), connect_timeout=5) as conn:
        conn.execute("TRUNCATE users, posts RESTART IDENTITY CASCADE")
        with conn.cursor() as cur:
            cur.executemany(user_sql.format("%s"), users)
            cur.executemany(post_sql.format("%s"), posts)
        for table in ("users", "posts"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def measure_rtt(proxy_port: int, stage: manifest.Stage, samples: int = 15) -> float:
    """The round trip of `SELECT 1` through the proxy, in ms (median): what the app sees as its database."""
    import psycopg

    with psycopg.connect(pg_url(stage, proxy_port), autocommit=True, connect_timeout=10) as conn:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# Servers ----------------------------------------------------------------------------------------------------


@dataclass
class Server:
    stage: manifest.Stage
    case: Case
    url: str
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_server(server: Server, label: str) -> None:
    server.port = free_port()
    server.log = WORK / "logs" / f"{label}-{server.case.key}-{server.stage.dir}.log"
    args = [
        str(stage_python(server.stage)), "-m", "uvicorn", "main:app",
        "--host", "127.0.0.1", "--port", str(server.port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": server.url, "PYTHONDONTWRITEBYTECODE": "1"}
    server.proc = PROCESSES.start(args, log=server.log, cwd=server.stage.path, env=env)


def wait_ready(server: Server, timeout_s: float = 60.0) -> None:
    wait_for_port(server.port, server.proc, server.log, timeout_s)
    status = get(server, "/api/posts?limit=1", timeout_s=10)
    if status != 200:
        raise HarnessError(f"{server.stage.dir} on {server.case.key} answers {status}:\n{tail(server.log)}")


def get(server: Server, path: str, timeout_s: float) -> int:
    try:
        with urllib.request.urlopen(server.base + path, timeout=timeout_s) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, TimeoutError):
        return 0


def restart(server: Server, label: str) -> None:
    """Kill it (it is stuck or busy: a graceful shutdown would wait for it) and start it warm again."""
    PROCESSES.stop(server.proc, grace_s=0.0)
    start_server(server, label)
    wait_ready(server)
    warm_up(server, server.case.endpoints, 20, limit_s=0.3)


def warm_up(server: Server, endpoints: tuple[str, ...], requests: int, limit_s: float = 1.0) -> None:
    """Up to `requests` requests (or `limit_s` seconds) to each read endpoint, so that imports, caches and
    the pool are warm before timing."""
    for key in endpoints:
        endpoint = ENDPOINTS[key]
        if endpoint.writes:
            continue
        deadline = time.monotonic() + limit_s
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            status = get(server, endpoint.path, timeout_s=10)
            if status != 200:
                raise HarnessError(
                    f"warm-up {endpoint.label} on {server.stage.dir}: {status}\n{tail(server.log)}"
                )


# wrk --------------------------------------------------------------------------------------------------------


def wrk(server: Server, endpoint: Endpoint, concurrency: int, duration_s: int) -> dict:
    args = [
        "wrk", "-t", "1", "-c", str(concurrency), "-d", f"{duration_s}s", "--timeout", f"{WRK_TIMEOUT_S}s",
        "-s", str(WRK_SCRIPTS / endpoint.script), server.base + endpoint.path,
    ]  # fmt: skip
    env = {**os.environ, "BENCH_POSTS": str(POSTS), "BENCH_USERS": str(USERS)}
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=duration_s + 60)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"wrk did not finish: {' '.join(args)}") from error
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise HarnessError(f"wrk printed no result ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def to_run(raw: dict, repetition: int, case: Case, endpoint: Endpoint, concurrency: int, stage) -> Run:
    seconds = raw["duration_us"] / 1e6
    return Run(
        repetition=repetition,
        case=case.key,
        endpoint=endpoint.key,
        concurrency=concurrency,
        stage=stage.dir,
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
    )


# Statement counts -------------------------------------------------------------------------------------------


def count_statements(stage: manifest.Stage, out: Path) -> dict:
    """tests/stage/test_statement_counts.py in the stage's venv; it writes the counts it saw to `out`."""
    out.unlink(missing_ok=True)
    log = WORK / "logs" / f"counts-{stage.dir}.log"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"STAGE": stage.dir, "STATEMENT_COUNTS_JSON": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [str(stage_python(stage)), "-m", "pytest", "tests/stage/test_statement_counts.py", "-q"]
    done = subprocess.run(
        [*args, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    log.write_text(done.stdout + done.stderr)
    if not out.exists():
        raise HarnessError(f"statement counts for {stage.dir} were not written:\n{tail(log)}")
    counts = json.loads(out.read_text())
    counts["passed"] = done.returncode == 0
    return counts


# The sweep --------------------------------------------------------------------------------------------------


class Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()

    def line(self, run: Run, case: Case, endpoint: Endpoint, reps: int) -> str:
        self.done += 1
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        flags = " STALLED" if run.stalled else " late" if run.late else ""
        flags += f" restarted ({run.restarted})" if run.restarted else ""
        return (
            f"[{self.done:>3}/{self.total} rep {run.repetition}/{reps} eta {eta / 60:4.1f} min] "
            f"{case.key:<13} {endpoint.label:<20} c={run.concurrency:<3} {run.stage:<22} "
            f"{run.rps:9.1f} req/s  p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms  "
            f"non-2xx {run.non2xx}  timeouts {run.timeouts}  socket errors {run.socket_errors}{flags}"
        )


def rotate(items: tuple, by: int) -> list:
    by %= len(items)
    return list(items[by:] + items[:by])


def sweep(plan: Plan, rtts: dict[str, list[float]]) -> list[Run]:
    total = plan.repetitions * sum(
        len(case.endpoints) * len(plan.concurrency) * len(plan.stages) for case in plan.cases
    )
    progress = Progress(total)
    runs: list[Run] = []
    for repetition in range(1, plan.repetitions + 1):
        for case in plan.cases:
            runs += sweep_case(plan, case, repetition, progress, rtts)
    return runs


def sweep_case(plan: Plan, case: Case, repetition: int, progress: Progress, rtts) -> list[Run]:
    label = f"rep{repetition}"
    proxy = None
    runs: list[Run] = []
    servers: list[Server] = []
    try:
        proxy_port = None
        if case.rtt_ms:
            proxy_port = free_port()
            upstream = urlsplit(POSTGRES_URL)
            proxy_log = WORK / "logs" / f"{label}-{case.key}-proxy.log"
            proxy_args = [
                sys.executable, str(HERE / "delay_proxy.py"), "--listen", f"127.0.0.1:{proxy_port}",
                "--upstream", f"{upstream.hostname}:{upstream.port or 5432}", "--rtt-ms", str(case.rtt_ms),
            ]  # fmt: skip
            proxy = PROCESSES.start(proxy_args, log=proxy_log)
            wait_for_port(proxy_port, proxy, proxy_log)
            rtts.setdefault(case.key, []).append(round(measure_rtt(proxy_port, plan.stages[0]), 2))
        for stage in plan.stages:
            server = Server(stage, case, database_url(stage, case, proxy_port))
            start_server(server, label)
            servers.append(server)
        for server in servers:
            wait_ready(server)
            seed(server.stage, case)
            warm_up(server, case.endpoints, plan.warmup_requests)
        order = rotate(tuple(servers), repetition - 1)
        for key in case.endpoints:
            endpoint = ENDPOINTS[key]
            single: dict[str, float] = {}
            for concurrency in plan.concurrency:
                for server in order:
                    cpu_before = cpu_seconds(server.proc.pid)
                    raw = wrk(server, endpoint, concurrency, case.duration_s)
                    run = to_run(raw, repetition, case, endpoint, concurrency, server.stage)
                    run.server_cpu = round((cpu_seconds(server.proc.pid) - cpu_before) / run.duration_s, 2)
                    if concurrency == plan.concurrency[0]:
                        single[server.stage.dir] = run.rps
                    if far_too_few(run, single.get(server.stage.dir)):
                        run.stalled = run.server_cpu < BUSY_CPU
                        run.late = not run.stalled
                    run.restarted = settle(server, run, label)
                    runs.append(run)
                    print(progress.line(run, case, endpoint, plan.repetitions), flush=True)
    finally:
        for server in servers:
            if server.proc is not None:
                PROCESSES.stop(server.proc)
        if proxy is not None:
            PROCESSES.stop(proxy)
    return runs


def settle(server: Server, run: Run, label: str) -> str:
    """Leave the server idle and answering before the next run; restart it if it is not. Why it was."""
    if run.stalled:
        reason = "stalled"
    else:
        idle, run.idle_wait_s = wait_until_idle(server.proc.pid, limit_s=IDLE_LIMIT_S)
        run.idle_wait_s = round(run.idle_wait_s, 2)
        reason = "" if idle else "busy"
        if idle and (run.non2xx or run.socket_errors or run.timeouts):
            reason = "" if get(server, "/api/posts?limit=1", timeout_s=2) == 200 else "no answer"
    if reason:
        restart(server, label)
    return reason


def far_too_few(run: Run, single_connection_rps: float | None) -> bool:
    """Served nothing, or far less than one connection got from the same server: more load must not."""
    if run.requests == 0:
        return True
    if single_connection_rps and run.concurrency > 1:
        return run.rps < STALL_SHARE * single_connection_rps
    return False


# Profiles ---------------------------------------------------------------------------------------------------


def profile(stage: manifest.Stage, case: Case, endpoint: Endpoint, duration_s: int, out: Path) -> str:
    """wrk -c 1 against the stage under pyinstrument (bench/profile_app.py); the report's file name."""
    port = free_port()
    name = f"profile-{case.key}-{endpoint.key}-{stage.dir}.txt"
    log = WORK / "logs" / f"profile-{case.key}-{stage.dir}.log"
    title = f"{stage.dir}, {endpoint.label} on {case.label}, one connection (wrk -c 1) for {duration_s} s"
    args = [
        str(stage_python(stage)), str(HERE / "profile_app.py"), "--port", str(port),
        "--out", str(out / name), "--title", title,
    ]  # fmt: skip
    server = Server(stage, case, database_url(stage, case, None), port=port, log=log)
    env = {**os.environ, "DATABASE_URL": server.url, "PYTHONDONTWRITEBYTECODE": "1"}
    server.proc = PROCESSES.start(args, log=log, cwd=stage.path, env=env)
    try:
        wait_ready(server)
        seed(stage, case)
        warm_up(server, (endpoint.key,), 20)
        wrk(server, endpoint, 1, duration_s)
    finally:
        PROCESSES.stop(server.proc, grace_s=120.0)
    if not (out / name).exists():
        raise HarnessError(f"the profile was not written:\n{tail(log)}")
    return name


# Summary ----------------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory_gib = round(kib / 1024**2, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def tool_versions() -> dict:
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    versions = {"wrk": wrk_version[0].split(" Copyright")[0] if wrk_version else "unknown"}
    with contextlib.suppress(ImportError):
        import matplotlib

        versions["matplotlib"] = matplotlib.__version__
    versions["harness python"] = platform.python_version()
    return versions


def make_plan(args: argparse.Namespace) -> Plan:
    every = manifest.load()
    benched = tuple(stage for stage in every if stage.bench)
    golden = manifest.golden()
    if golden not in benched or every[-1] not in benched:
        raise HarnessError("stages.toml must mark the golden stage and the last stage with bench = true")
    local = tuple(ENDPOINTS)
    # Runs are short because the matrix is large (528 runs); the remote cases get longer ones because each
    # request takes several round trips there.
    cases = (
        Case("sqlite", "SQLite", "sqlite", local),
        Case("postgres", "PostgreSQL", "postgresql", local),
        Case("postgres-2ms", "PostgreSQL, 2 ms away", "postgresql", ("post",), 2.0, duration_s=2),
        Case("postgres-20ms", "PostgreSQL, 20 ms away", "postgresql", ("post", "posts"), 20.0, duration_s=2),
    )
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
        concurrency=tuple(args.concurrency or (1, 16, 64, 256)), repetitions=args.repetitions,
        warmup_requests=20, count_stages=tuple(every), profile=not args.no_profile, quick=False,
        out=args.out or HERE / "report",
    )  # fmt: skip


def preflight(plan: Plan) -> None:
    if shutil.which("wrk") is None:
        raise HarnessError("wrk is not installed: apt-get install -y wrk (Debian's package)")
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as error:
        raise HarnessError(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}") from error


def quick_failures(runs: list[Run], counts: dict, rtts: dict, plan: Plan) -> list[str]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seconds of load to prove the harness works")
    parser.add_argument("--duration", type=int, help="seconds per run for every case (wrk: whole seconds)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, help="report folder (default bench/report, quick: bench/work/quick)"
    )
    parser.add_argument("--cases", nargs="+", help="only these: sqlite postgres postgres-2ms postgres-20ms")
    parser.add_argument("--endpoints", nargs="+", help=f"only these: {' '.join(ENDPOINTS)}")
    parser.add_argument("--concurrency", nargs="+", type=int, help="instead of 1 16 64 256 (the first first)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    parser.add_argument(
        "--keep-databases", action="store_true", help="leave the bench_NN PostgreSQL databases"
    )
    args = parser.parse_args()
    # Also SIGINT: a shell starts background jobs with it ignored, and Python would keep it that way.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    import report  # bench/report.py: the Markdown table and the charts

    started = time.monotonic()
    try:
        plan = make_plan(args)
        preflight(plan)
    except HarnessError as error:
        print(f"bench harness failed: {error}", file=sys.stderr)
        return 2
    plan.out.mkdir(parents=True, exist_ok=True)
    for folder in ("db", "logs", "counts"):
        (WORK / folder).mkdir(parents=True, exist_ok=True)
    print(f"== bench: {len(plan.stages)} stages, {'quick' if plan.quick else 'full'} run into {plan.out}")
    results: dict = {
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
        profiles = []
        results |= {
            "plan": {
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
            },
            "proxy_rtt_ms": rtts,
            "statement_counts": counts,
            "runs": [asdict(run) for run in runs],
        }
        results["summary"] = report.summary_rows(results)
        if plan.profile:
            for case, endpoint in report.below_target(results):
                print(f"== profile: {plan.stages[-1].dir} {ENDPOINTS[endpoint].label} on {case}", flush=True)
                chosen = next(c for c in plan.cases if c.key == case)
                profiles.append(profile(plan.stages[-1], chosen, ENDPOINTS[endpoint], 3, plan.out))
        results["profiles"] = profiles
        results["elapsed_s"] = round(time.monotonic() - started)
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        (plan.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        report.write(results, plan.out)
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
        if not args.keep_databases:
            with contextlib.suppress(Exception):
                drop_pg_databases(plan.stages)


if __name__ == "__main__":
    sys.exit(main())
