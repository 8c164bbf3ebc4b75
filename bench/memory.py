"""Memory: the peak resident set of a stage's server serving many concurrent GET / over large posts.

Each stage of the pair runs alone, as plain uvicorn on PostgreSQL, over MEMORY_POSTS posts (plan.memory_posts)
of MEMORY_CHARS characters seeded in bulk. wrk keeps MEMORY_CONNECTIONS requests to GET / in flight for
MEMORY_DURATION_S seconds; the harness then waits until the server has finished every request it received
and reads the kernel's high-water mark of the process's resident memory (VmHWM in /proc/<pid>/status), which
no sampling can miss.
"""

from __future__ import annotations

from typing import Any

from bench.databases import database_url, seed
from bench.load import wrk
from bench.plan import CASES, ENDPOINTS, MEMORY_CHARS, MEMORY_CONNECTIONS, MEMORY_TARGET_MB, Plan
from bench.processes import PROCESSES, memory_mb, wait_until_idle
from bench.servers import Server, start_server, wait_ready

CASE = next(case for case in CASES if case.key == "postgres")
MEMORY_DURATION_S = 5
ANSWER_TIMEOUT_S = 60  # wrk's: a page of every post may take long
IDLE_LIMIT_S = 180  # for the requests wrk left behind when it stopped


def memory(plan: Plan) -> list[dict[str, Any]]:
    """Per stage of the pair: peak and steady RSS in MB (10^6 bytes), and what wrk saw."""
    found = []
    for stage in plan.pair:
        server = Server(stage, CASE, database_url(stage, CASE, None))
        start_server(server, "memory")
        try:
            wait_ready(server)
            seed(stage, CASE, posts=plan.memory_posts, chars=MEMORY_CHARS)
            before = memory_mb(server.pid)
            raw = wrk(server, ENDPOINTS["home"], MEMORY_CONNECTIONS, MEMORY_DURATION_S, ANSWER_TIMEOUT_S)
            idle, _ = wait_until_idle(server.pid, IDLE_LIMIT_S)
            after = memory_mb(server.pid)
        finally:
            if server.proc is not None:
                PROCESSES.stop(server.proc, grace_s=0.0)  # it may still be busy
        record = {
            "stage": stage.dir,
            "posts": plan.memory_posts,
            "chars": MEMORY_CHARS,
            "connections": MEMORY_CONNECTIONS,
            "duration_s": MEMORY_DURATION_S,
            "rss_before_mb": before["rss"],
            "peak_mb": after["peak"],
            "rss_after_mb": after["rss"],
            "finished": idle,  # it went idle within IDLE_LIMIT_S: the peak covers every request
            "requests": raw["requests"],
            "bytes_per_answer": raw["bytes"] // raw["requests"] if raw["requests"] else 0,
            "non2xx": raw["non2xx"],
            "timeouts": raw["timeouts"],
            "socket_errors": raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
            "target_mb": MEMORY_TARGET_MB,
            "met": idle and after["peak"] < MEMORY_TARGET_MB,  # the target is the final stage's
        }
        found.append(record)
        print(
            f"== memory: {stage.dir:<22} peak {record['peak_mb']:7.1f} MB (before the load "
            f"{record['rss_before_mb']:.1f}), {record['requests']} answers of "
            f"{record['bytes_per_answer']:,} bytes in {MEMORY_DURATION_S} s",
            flush=True,
        )
    return found
