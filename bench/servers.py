"""Server control: each stage's uvicorn started, probed, warmed up and restarted; the delay proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import BENCH, ROOT, TUNED_SETTINGS_PATH, WORK, HarnessError
from bench.databases import POSTGRES_URL
from bench.environment import stage_python
from bench.plan import CONFIGS, ENDPOINTS, Case, Config
from bench.processes import PROCESSES, free_port, tail, wait_for_port
from tools import stages as manifest


@dataclass
class Server:
    stage: manifest.Stage
    case: Case
    url: str  # its DATABASE_URL
    config: Config = CONFIGS["plain"]
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def name(self) -> str:
        """The stage, and its configuration unless plain: `00_sync_baseline+pool40`."""
        return self.stage.dir if self.config.key == "plain" else f"{self.stage.dir}+{self.config.key}"

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise HarnessError(f"{self.stage.dir} on {self.case.key} was never started")
        return self.proc.pid


def stage_env(url: str) -> dict[str, str]:
    """The environment a stage's server runs with: its database, and no .pyc files written into the stage."""
    return {**os.environ, "DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": "1"}


def start_server(server: Server, label: str) -> None:
    """uvicorn in the stage's folder and virtualenv, on a free port, as its configuration says: `main:app`, or
    bench/tuned_app.py's wrapper around it."""
    config = server.config
    server.port = free_port()
    server.log = WORK / "logs" / f"{label}-{server.case.key}-{server.name}.log"
    tuned = bool(config.pool or config.engine_tuning)
    app = "bench.tuned_app:app" if tuned else "main:app"
    args = [
        str(stage_python(server.stage)), "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(server.port), "--workers", str(config.workers),
        "--loop", config.loop, "--http", config.http, "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    env = stage_env(server.url)
    if tuned:
        # `-m` puts the stage's folder first on the path (its `main`, `database`); PYTHONPATH finds bench.
        env |= {
            "PYTHONPATH": str(ROOT),
            "BENCH_POOL": str(config.pool),
            "BENCH_ENGINE_TUNING": "1" if config.engine_tuning else "",
        }
    server.proc = PROCESSES.start(args, log=server.log, cwd=server.stage.path, env=env)


def wait_ready(server: Server, timeout_s: float = 60.0) -> None:
    """Until it listens and answers the API's list of posts."""
    assert server.proc is not None and server.log is not None
    wait_for_port(server.port, server.proc, server.log, timeout_s)
    status = get(server, "/api/posts?limit=1", timeout_s=10)
    if status != 200:
        raise HarnessError(f"{server.name} on {server.case.key} answers {status}:\n{tail(server.log)}")
    if server.config.pool or server.config.engine_tuning:
        check_tuning(server)


def tuning(server: Server) -> dict[str, Any]:
    """What bench/tuned_app.py reports from inside the running server: its pool, sessions and threads, and the
    most connections checked out at once since the last time it was asked."""
    with urllib.request.urlopen(server.base + TUNED_SETTINGS_PATH, timeout=10) as response:
        found: dict[str, Any] = json.loads(response.read())
        return found


def check_tuning(server: Server) -> None:
    """The server runs with what its configuration asks for, or the run stops: a sync stage's pool, sessions
    and threads; the final stage's engine without reset on return (SQLite) or with the is_closed() check
    instead of pre-ping (PostgreSQL)."""
    found, pool = tuning(server), server.config.pool
    wrong = pool and (
        found["pool_size"] + found["max_overflow"] != pool
        or found["sessions"] != pool
        or found["threads"] < pool
    )
    if server.config.engine_tuning:
        if found["dialect"] == "sqlite":
            wrong = wrong or found["reset_on_return"] != "reset_none"
        else:
            wrong = wrong or found["pre_ping"] or not found["closed_check"]
    if wrong:
        raise HarnessError(f"{server.name}: the tuning did not take effect: {found}\n{tail(server.log)}")


def get(server: Server, path: str, timeout_s: float) -> int:
    """The status of a GET, 0 when there is no answer."""
    return _status(urllib.request.Request(server.base + path), timeout_s)


def post(server: Server, path: str, body: dict[str, Any], timeout_s: float) -> int:
    """The status of a POST of `body` as JSON, 0 when there is no answer."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    return _status(urllib.request.Request(server.base + path, data, headers), timeout_s)


def _status(request: urllib.request.Request, timeout_s: float) -> int:
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, TimeoutError):
        return 0


def restart(server: Server, label: str) -> None:
    """Kill it (it is stuck or busy: a graceful shutdown would wait for it) and start it warm again."""
    if server.proc is not None:
        PROCESSES.stop(server.proc, grace_s=0.0)
    start_server(server, label)
    wait_ready(server)
    warm_up(server, server.case.endpoints, 20, limit_s=0.3)


def warm_up(server: Server, endpoints: tuple[str, ...], requests: int, limit_s: float = 1.0) -> None:
    """Up to `requests` requests (or `limit_s` seconds) to each endpoint, so that imports, caches and the pool
    are warm before timing. A write endpoint too: the first POST a server answers imports and compiles what
    only writes need, and in a run of one second at one connection that alone cost a tenth of its answers."""
    for key in endpoints:
        endpoint = ENDPOINTS[key]
        deadline = time.monotonic() + limit_s
        for number in range(requests):
            if time.monotonic() > deadline:
                break
            if endpoint.writes:  # what bench/wrk/create_post.lua sends
                body = {"title": f"Warm-up post {number}", "content": "Written before the run.", "user_id": 1}
                status, expected = post(server, endpoint.path, body, timeout_s=10), 201
            else:
                status, expected = get(server, endpoint.path, timeout_s=10), 200
            if status != expected:
                raise HarnessError(f"warm-up {endpoint.label} on {server.name}: {status}\n{tail(server.log)}")


def start_proxy(case: Case, label: str) -> tuple[subprocess.Popen[bytes], int]:
    """bench/delay_proxy.py in front of PostgreSQL, adding the case's round trip: (process, port)."""
    port = free_port()
    upstream = urlsplit(POSTGRES_URL)
    log = WORK / "logs" / f"{label}-{case.key}-proxy.log"
    args = [
        sys.executable, str(BENCH / "delay_proxy.py"), "--listen", f"127.0.0.1:{port}",
        "--upstream", f"{upstream.hostname}:{upstream.port or 5432}", "--rtt-ms", str(case.rtt_ms),
    ]  # fmt: skip
    proxy = PROCESSES.start(args, log=log)
    wait_for_port(port, proxy, log)
    return proxy, port
