"""When the database misbehaves: answers that tell the truth, in time, and a server that recovers.

- After a 500 the server closes the connection, and says so (Connection: close), so that a client never
  sends a request on a connection that will not be read.
- Nothing that can fail runs between a route's commit and its answer: a failure injected right after the
  commit leaves a 2xx answer and a stored change, never an error answer for a change that is stored.
- A database that holds every lock, or that vanished from the network, is answered 503 with Retry-After
  within the stage's DATABASE_TIMEOUT (set to 1 s here), while requests that need no database still get
  their answer at once; once it is back, requests succeed again.
- Connections the server closed (pg_terminate_backend, as a restart does) are replaced without a failed
  request.
"""

import asyncio
import socket
import sqlite3
import time
from contextlib import contextmanager

import httpx
import pytest
import sqlalchemy as sa

from harness import Blog, Relay, cases, serving

pytestmark = pytest.mark.anyio

TIMEOUT = 1  # DATABASE_TIMEOUT for the live servers of this module, in seconds
# libpq's connect_timeout counts whole seconds and at least 2; the rest is scheduling on a busy machine.
ANSWER_WITHIN = 2 + 2.5
FAST_ENV = {"DATABASE_TIMEOUT": str(TIMEOUT)}


def postgresql(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


async def arrange(http: httpx.AsyncClient, posts: int = 3) -> None:
    """User 1, ada, with `posts` posts, through the live server's API."""
    blog = Blog(http)
    ada = await blog.user("ada")
    for n in range(posts):
        await blog.post(ada, f"Post {n}", "Words.")


# 1. After a 500 the connection is closed, and the answer says so


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


async def test_a_500_closes_the_connection_and_says_so(stage, tmp_path, harness_engine, tally):
    from faults import TRIGGER

    with serving(stage, tmp_path, env={"FAULTS": "1"}) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
            await arrange(http, posts=1)
            body = f'{{"title": "{TRIGGER}"}}'.encode()
            failing = (
                b"PATCH /api/posts/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            following = b"GET /api/posts/1 HTTP/1.1\r\nHost: x\r\n\r\n"
            received = await asyncio.to_thread(raw_exchange, live.port, failing + following)
            head = received.split(b"\r\n\r\n", 1)[0].lower()
            assert head.startswith(b"http/1.1 500"), received[:300]
            assert b"\r\nconnection: close" in head, received[:300]
            # The pipelined request was never read: the server said so by closing after the 500.
            assert received.count(b"HTTP/1.1 ") == 1, received

            # A client on keep-alive: every request after a 500 gets an answer, none a read error.
            sent = errors = 0
            outcomes: dict[str, int] = {}
            for n in range(20):
                for method, path, json in (
                    ("PATCH", "/api/posts/1", {"title": TRIGGER}),
                    ("POST", "/api/posts", {"title": f"After {n}", "content": "x", "user_id": 1}),
                ):
                    sent += 1
                    try:
                        response = await http.request(method, path, json=json)
                    except httpx.TransportError as exc:
                        errors += 1
                        outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
                    else:
                        outcomes[str(response.status_code)] = outcomes.get(str(response.status_code), 0) + 1
        with live.db.connect() as conn:
            stored = conn.scalar(sa.text("SELECT count(*) FROM posts WHERE title LIKE 'After %'"))
    injected = outcomes.get("500", 0) + 1
    lost = 20 - stored
    tally(f"{sent + 2} requests sent, {injected} 5xx (all injected), {errors} read errors, {lost} rows lost")
    assert errors == 0, outcomes
    assert outcomes == {"500": 20, "201": 20} and stored == 20, (outcomes, stored)


# 2. Nothing that can fail between a commit and the answer

WRITES = {
    "POST /api/users": (
        "POST", "/api/users", {"username": "bob", "email": "bob@example.com"},
        "SELECT count(*) FROM users WHERE username = 'bob'", 1,
    ),
    "PATCH /api/users/{id}": (
        "PATCH", "/api/users/1", {"username": "ada2"},
        "SELECT count(*) FROM users WHERE username = 'ada2'", 1,
    ),
    "DELETE /api/users/{id}": ("DELETE", "/api/users/1", None, "SELECT count(*) FROM users", 0),
    "POST /api/posts": (
        "POST", "/api/posts", {"title": "New", "content": "x", "user_id": 1},
        "SELECT count(*) FROM posts WHERE title = 'New'", 1,
    ),
    "PUT /api/posts/{id}": (
        "PUT", "/api/posts/1", {"title": "Replaced", "content": "y", "user_id": 1},
        "SELECT count(*) FROM posts WHERE title = 'Replaced'", 1,
    ),
    "PATCH /api/posts/{id}": (
        "PATCH", "/api/posts/1", {"title": "Renamed"},
        "SELECT count(*) FROM posts WHERE title = 'Renamed'", 1,
    ),
    "DELETE /api/posts/{id}": ("DELETE", "/api/posts/1", None, "SELECT count(*) FROM posts", 0),
}  # fmt: skip


@contextmanager
def failing_after_commit(harness_engine):
    """Every statement of the app after its first COMMIT fails, as if the database went away right then."""
    committed = []

    def after_commit(conn) -> None:
        if conn.engine is not harness_engine:
            committed.append(True)

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if committed and conn.engine is not harness_engine:
            raise sa.exc.OperationalError(statement, parameters, RuntimeError("connection lost after COMMIT"))

    sa.event.listen(sa.Engine, "commit", after_commit)
    sa.event.listen(sa.Engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield committed
    finally:
        sa.event.remove(sa.Engine, "commit", after_commit)
        sa.event.remove(sa.Engine, "before_cursor_execute", before_cursor_execute)


@pytest.mark.errors_as_responses
@pytest.mark.parametrize(("method", "path", "body", "sql", "when_stored"), **cases(WRITES))
async def test_a_stored_write_is_never_answered_with_an_error(
    blog, client, harness_engine, tally, method, path, body, sql, when_stored
):
    ada = await blog.user("ada")
    await blog.post(ada, "Before", "Kept.")
    with harness_engine.connect() as conn:
        before = conn.scalar(sa.text(sql))
    with failing_after_commit(harness_engine) as committed:
        response = await client.request(method, path, json=body)
    with harness_engine.connect() as conn:
        after = conn.scalar(sa.text(sql))
    stored = after == when_stored and after != before
    tally(f"1 request sent, {int(response.status_code >= 500)} 5xx seen, answered {response.status_code}, "
          f"{'stored' if stored else 'not stored'}")  # fmt: skip
    assert committed, "the route never committed"
    assert stored, (before, after)
    assert 200 <= response.status_code < 300, (response.status_code, response.text)


# 3. A stalled database: 503 with Retry-After, in time


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


DURING_A_STALL = [
    ("GET", "/api/posts/1", None),
    ("GET", "/", None),
    ("POST", "/api/posts", {"title": "During", "content": "x", "user_id": 1}),
    ("PATCH", "/api/users/1", {"email": "new@example.com"}),
]


async def check_stall(http: httpx.AsyncClient, live, tally, label: str) -> None:
    # More requests than the stage has sessions or threads for, and one that needs no database at all.
    requests = DURING_A_STALL * 12
    waiting = [asyncio.ensure_future(timed(http, m, p, j)) for m, p, j in requests]
    await asyncio.sleep(0.3)
    response, took = await timed(http, "GET", "/no-such-page")  # needs no session, no connection
    assert (response.status_code, took < 1.5) == (404, True), (response.status_code, took)
    # A def route's bad input waits for a session like any other request there (FastAPI solves the
    # dependencies before it validates the parameters), so it needs no more than those: no hang.
    invalid = asyncio.ensure_future(timed(http, "GET", "/api/posts/abc"))
    results = await asyncio.gather(*waiting)
    response, took = await invalid
    assert (response.status_code, took < 4 * ANSWER_WITHIN) == (422, True), (response.status_code, took)
    statuses = sorted({response.status_code for response, _ in results})
    slowest = max(took for _, took in results)
    unavailable = sum(r.status_code == 503 for r, _ in results)
    other = sum(r.status_code >= 500 and r.status_code != 503 for r, _ in results)
    tally(
        f"{len(results) + 2} requests sent, {unavailable} 503, {other} other 5xx, slowest {slowest:.1f} s",
        label,
    )
    assert statuses == [503], statuses
    for response, _ in results:
        assert response.headers["retry-after"] == str(TIMEOUT)
        if response.request.url.path.startswith("/api/"):
            assert response.json() == {"detail": "Database unavailable"}
        else:
            assert "<h1>503</h1>" in response.text
    # Each request waits at most a few timeouts: for a session, a connection, its statements.
    assert slowest < 4 * ANSWER_WITHIN, slowest


def assert_nothing_stored_during_the_stall(live) -> None:
    with live.db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM posts WHERE title = 'During'")) == 0
        assert conn.scalar(sa.text("SELECT email FROM users WHERE id = 1")) == "ada@example.com"


async def test_a_locked_database_is_answered_503_in_time(stage, tmp_path, harness_engine, tally):
    with serving(stage, tmp_path, env=FAST_ENV) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            await arrange(http)
            with database_locked(live):
                await check_stall(http, live, tally, "locked database")
            assert_nothing_stored_during_the_stall(live)
            response = await http.get("/api/posts/1")
            assert response.status_code == 200, response.text
        assert "Traceback" not in live.log(), live.log()[-5000:]


async def test_a_vanished_database_is_answered_503_in_time(stage, tmp_path, harness_engine, tally):
    if not postgresql(harness_engine):
        pytest.skip(
            "needs a database server to vanish; SQLite is a file (the locked-database test covers it)"
        )
    url = harness_engine.url
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    try:
        with serving(stage, tmp_path, via=relay.address, env=FAST_ENV) as live:
            async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
                await arrange(http)
                relay.stall()
                await check_stall(http, live, tally, "vanished database")
                relay.resume()
                assert_nothing_stored_during_the_stall(live)
                for _ in range(5):
                    response = await http.get("/api/posts/1")
                    assert response.status_code == 200, response.text
            assert "Traceback" not in live.log(), live.log()[-5000:]
    finally:
        relay.close()


# 4. Connections closed by the server are replaced without a failed request


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


async def test_connections_the_server_closed_fail_no_request(stage, tmp_path, harness_engine, tally):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server whose connections can be terminated; SQLite has none")
    with serving(stage, tmp_path) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            await arrange(http)
            sent = 0
            outcomes: dict[int, int] = {}
            for _ in range(3):
                # Fill the pool, then terminate every connection to this database but the harness's own.
                warm = await asyncio.gather(*(http.get("/api/posts/1") for _ in range(20)))
                assert {r.status_code for r in warm} == {200}
                with live.db.connect() as conn:
                    terminated = terminate_other_backends(conn)
                assert terminated
                harness_engine.dispose()  # its pooled connections were terminated too
                answers = await asyncio.gather(
                    *(http.get("/api/posts/1") for _ in range(20)),
                    *(
                        http.post("/api/posts", json={"title": "x", "content": "y", "user_id": 1})
                        for _ in range(5)
                    ),
                )
                sent += len(answers)
                for response in answers:
                    outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        failed = sum(n for status, n in outcomes.items() if status >= 500)
        tally(f"{sent} requests sent after 3 terminations, {failed} 5xx seen")
        assert outcomes == {200: 60, 201: 15}, outcomes
        assert "Traceback" not in live.log(), live.log()[-5000:]


async def test_a_connection_lost_in_the_middle_of_a_request_is_answered_503(stage, tmp_path, harness_engine):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server whose connections can be terminated; SQLite has none")
    with serving(stage, tmp_path) as live:  # the default timeout: the lock must not end the wait first
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            await arrange(http)
            with database_locked(live), live.db.connect() as conn:
                waiting = asyncio.ensure_future(http.get("/api/posts/1"))
                blocked = sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                pids: list[int] = []
                while not pids and not waiting.done():
                    await asyncio.sleep(0.05)
                    pids = list(conn.scalars(blocked))
                    conn.commit()
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pids}
                )
                conn.commit()
                response = await waiting
            assert pids and response.status_code == 503, (pids, response.status_code, response.text)
            assert response.json() == {"detail": "Database unavailable"}
            assert (await http.get("/api/posts/1")).status_code == 200
