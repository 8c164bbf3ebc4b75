"""A database that stalls: 503 with Retry-After, in time, and a server that recovers.

A database that holds every lock, or that vanished from the network, is answered 503 with Retry-After
within the stage's DATABASE_TIMEOUT (set to 2 s here), while requests that need no database still get their
answer at once; once it is back, requests succeed again.
"""

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from harness import Relay, serving
from outages import arrange, database_locked, postgresql, timed

pytestmark = pytest.mark.anyio

# DATABASE_TIMEOUT for the live servers of this module, in seconds: the whole budget of a request, 1 s to get
# a session or connection and 1 s for the database.
TIMEOUT = 2
# libpq's connect_timeout counts whole seconds and at least 2; the rest is scheduling on a busy machine.
ANSWER_WITHIN = 2 + 2.5
FAST_ENV = {"DATABASE_TIMEOUT": str(TIMEOUT)}


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
    # dependencies before it validates the parameters), so it needs no more than those: no hang. Once its
    # share of DATABASE_TIMEOUT has gone on that wait, it is answered 503 before its parameters are read.
    invalid = asyncio.ensure_future(timed(http, "GET", "/api/posts/abc"))
    results = await asyncio.gather(*waiting)
    response, took = await invalid
    assert response.status_code in (422, 503) and took < 4 * ANSWER_WITHIN, (response.status_code, took)
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
