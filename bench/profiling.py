"""Profiles: the final stage under pyinstrument, one connection, where it is slower than the baseline."""

from __future__ import annotations

from pathlib import Path

from bench import PROFILE_RESTART_PATH, ROOT, WORK, HarnessError
from bench.databases import database_url, seed
from bench.environment import stage_python
from bench.load import wrk
from bench.plan import Case, Endpoint
from bench.processes import PROCESSES, free_port, tail
from bench.servers import Server, get, stage_env, wait_ready, warm_up
from tools import stages as manifest


def profile(stage: manifest.Stage, case: Case, endpoint: Endpoint, duration_s: int, out: Path) -> str:
    """wrk -c 1 against the stage under bench/profile_app.py; the name of the profile it wrote into `out`."""
    port = free_port()
    name = f"profile-{case.key}-{endpoint.key}-{stage.dir}.txt"
    log = WORK / "logs" / f"profile-{case.key}-{stage.dir}.log"
    title = f"{stage.dir}, {endpoint.label} on {case.label}, one connection (wrk -c 1) for {duration_s} s"
    # `-m` puts the current directory, the stage's, first on the path (`import main` is the stage's app);
    # PYTHONPATH finds the bench package.
    args = [
        str(stage_python(stage)), "-m", "bench.profile_app", "--port", str(port),
        "--out", str(out.resolve() / name), "--title", title,
    ]  # fmt: skip
    server = Server(stage, case, database_url(stage, case, None), port=port, log=log)
    env = stage_env(server.url) | {"PYTHONPATH": str(ROOT)}
    server.proc = PROCESSES.start(args, log=log, cwd=stage.path, env=env)
    try:
        wait_ready(server)
        seed(stage, case)
        warm_up(server, (endpoint.key,), 20)
        if get(server, PROFILE_RESTART_PATH, timeout_s=10) != 204:
            raise HarnessError(f"the profiler did not drop the warm-up's requests:\n{tail(log)}")
        wrk(server, endpoint, 1, duration_s)
    finally:
        PROCESSES.stop(server.proc, grace_s=120.0)
    if not (out / name).exists():
        raise HarnessError(f"the profile was not written:\n{tail(log)}")
    return name
