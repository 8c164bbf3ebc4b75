"""Growth with the data: the list and page endpoints of the baseline and the final stage at a few sizes.

Both stages' servers run as plain uvicorn on PostgreSQL. At each size both databases are seeded in bulk; then
for each endpoint the stages take turns: one request to warm up, then one request after another on one
keep-alive connection for `plan.growth_duration_s` seconds, and at least one however long it takes (a page
that renders every post can take longer than wrk's timeout). Each endpoint is asked for its first page, the
plain path, so the same request works whether the pages are paged or list everything.
"""

from __future__ import annotations

import http.client
import time
from typing import Any

from bench import HarnessError
from bench.databases import database_url, seed
from bench.plan import CASES, GROWTH_PATHS, Plan
from bench.processes import PROCESSES
from bench.servers import Server, start_server, wait_ready

CASE = next(case for case in CASES if case.key == "postgres")
REQUEST_TIMEOUT_S = 300


def growth(plan: Plan) -> list[dict[str, Any]]:
    """A point per size, endpoint and stage: requests per second with one connection, and the body's size."""
    servers = [Server(stage, CASE, database_url(stage, CASE, None)) for stage in plan.pair]
    points = []
    try:
        for server in servers:
            start_server(server, "growth")
        for server in servers:
            wait_ready(server)
        for turn, posts in enumerate(plan.growth_sizes):
            for server in servers:
                seed(server.stage, CASE, posts=posts)
            for endpoint, path in GROWTH_PATHS.items():
                for server in servers[turn % 2 :] + servers[: turn % 2]:
                    point = {"posts": posts, "endpoint": endpoint, "stage": server.stage.dir}
                    point |= one_connection(server, path, plan.growth_duration_s)
                    points.append(point)
                    print(
                        f"== growth: {posts:>6} posts  GET {path:<20} {server.stage.dir:<22} "
                        f"{point['rps']:9.1f} req/s  {point['bytes']:>10,} bytes",
                        flush=True,
                    )
    finally:
        for server in servers:
            if server.proc is not None:
                PROCESSES.stop(server.proc)
    return points


def one_connection(server: Server, path: str, duration_s: float) -> dict[str, Any]:
    """Requests one after another on one connection: how many per second, and the size of the last body."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
    try:
        get(conn, server, path)  # warm-up: templates, statement caches, the pool's connection
        requests, started = 0, time.perf_counter()
        while requests == 0 or time.perf_counter() - started < duration_s:
            size = get(conn, server, path)
            requests += 1
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 2),
        "mean_ms": round(seconds / requests * 1000, 2),
        "bytes": size,
    }


def get(conn: http.client.HTTPConnection, server: Server, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise HarnessError(f"growth: GET {path} on {server.name} answered {response.status}")
    return len(body)
