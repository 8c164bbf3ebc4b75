"""What the fault tests share: the live server's data, the database held or cut off, raw HTTP exchanges."""

import socket
import sqlite3
import time
from contextlib import contextmanager

import httpx
import sqlalchemy as sa

from harness import Blog


def postgresql(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


async def arrange(http: httpx.AsyncClient, posts: int = 3) -> None:
    """User 1, ada, with `posts` posts, through the live server's API."""
    blog = Blog(http)
    ada = await blog.user("ada")
    for n in range(posts):
        await blog.post(ada, f"Post {n}", "Words.")


def raw_exchange(port: int, payload: bytes, seconds: float = 10) -> bytes:
    """Everything the server sends on one connection until it closes it (or `seconds` pass)."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(payload)
        received = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
        return received


@contextmanager
def database_locked(live):
    """Another client holds every lock the app needs, for as long as the block runs."""
    if postgresql(live.db):
        with live.db.connect() as conn:
            conn.execute(sa.text("LOCK TABLE users, posts IN ACCESS EXCLUSIVE MODE"))
            yield
            conn.rollback()
    else:
        holder = sqlite3.connect(live.db.url.database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()


async def timed(http: httpx.AsyncClient, method: str, path: str, json=None) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.request(method, path, json=json)
    return response, time.monotonic() - started


def terminate_other_backends(conn) -> list[int]:
    """Terminate every other connection to this database, as a restart would; return once they are gone.

    Stale connections are idle in the pool: first wait until every session the app opened is closed (a
    def route's session closes after its answer is sent), so that none is terminated in use. And
    pg_terminate_backend only signals: wait until the backends are gone, so that none still answers.
    """
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + 10
    busy = sa.text(f"SELECT count(*) FROM pg_stat_activity WHERE {others} AND state <> 'idle'")
    while conn.scalar(busy) and time.monotonic() < deadline:
        conn.commit()  # a new snapshot of pg_stat_activity
        time.sleep(0.05)
    pids = conn.scalars(sa.text(f"SELECT pid FROM pg_stat_activity WHERE {others}")).all()
    conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": list(pids)})
    alive = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
    while conn.scalar(alive, {"pids": list(pids)}) and time.monotonic() < deadline:
        conn.commit()
        time.sleep(0.05)
    conn.commit()
    return list(pids)
