"""When the app fails: answers that tell the truth.

- After a 500 the server closes the connection, and says so (Connection: close), so that a client never
  sends a request on a connection that will not be read.
- Nothing that can fail runs between a route's commit and its answer: a failure injected right after the
  commit leaves a 2xx answer and a stored change, never an error answer for a change that is stored.
"""

import asyncio
from contextlib import contextmanager

import httpx
import pytest
import sqlalchemy as sa

from harness import cases, serving
from outages import arrange, raw_exchange

pytestmark = pytest.mark.anyio


# 1. After a 500 the connection is closed, and the answer says so


async def test_a_500_closes_the_connection_and_says_so(stage, tmp_path, harness_engine, tally):
    from faults import TRIGGER

    with serving(stage, tmp_path, env={"FAULTS": "1"}) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
            await arrange(http, posts=1)
            body = f'{{"title": "{TRIGGER}"}}'.encode()
            failing = (
                b"PATCH /api/posts/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            following = b"GET /api/posts/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
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
