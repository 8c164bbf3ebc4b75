"""An unexpected exception inside a route: a 500 in the usual error shape, nothing leaked, nothing kept.

The database is made to fail in the middle of a request through SQLAlchemy's before_cursor_execute event,
listened to on the Engine class so that it reaches whichever engine the stage uses (an AsyncEngine runs its
statements through a sync Engine too). Either the listener raises a Python exception, or it swaps the
statement for one the database itself rejects, which on PostgreSQL also aborts the transaction: the session
must be rolled back and closed, or the next request on that pooled connection would fail.
"""

from contextlib import contextmanager

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager

from conftest import empty_tables

pytestmark = pytest.mark.anyio

SECRET = "boom-7f3a"
LEAKS = ["Traceback", SECRET, "boom_7f3a", "no_such_table", "UPDATE", "SELECT", "sqlalchemy", 'File "']


@pytest.fixture
async def lenient_client(app, harness_engine, clock):
    """Like `client`, but a 500 comes back as a response instead of raising in the test."""
    async with LifespanManager(app) as manager:
        empty_tables(harness_engine)
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@contextmanager
def failing(prefix: str, how: str, harness_engine):
    """Make the first statement of the app that starts with `prefix` fail, the way `how` says."""
    armed = [True]

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if armed[0] and conn.engine is not harness_engine and statement.lstrip().startswith(prefix):
            armed[0] = False
            if how == "python-error":
                raise RuntimeError(f"{SECRET}: {statement}")
            return "SELECT boom_7f3a FROM no_such_table", parameters
        return statement, parameters

    sa.event.listen(sa.Engine, "before_cursor_execute", before_cursor_execute, retval=True)
    try:
        yield armed
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", before_cursor_execute)
    assert not armed[0], f"no statement started with {prefix!r}"


def assert_nothing_leaked(response: httpx.Response) -> None:
    for leak in LEAKS:
        assert leak not in response.text, (leak, response.text)


async def arrange(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/users", json={"username": "ada", "email": "ada@example.com"})
    assert response.status_code == 201, response.text
    body = {"title": "Before", "content": "Kept.", "user_id": response.json()["id"]}
    assert (await client.post("/api/posts", json=body)).status_code == 201


@pytest.mark.parametrize("how", ["python-error", "database-error"])
async def test_api_write_fails_midway(lenient_client, check, harness_engine, how):
    await arrange(lenient_client)
    with failing("UPDATE posts", how, harness_engine):
        response = await lenient_client.patch("/api/posts/1", json={"title": "After"})
    check(response)
    assert response.json() == {"detail": "Internal Server Error"}
    assert_nothing_leaked(response)
    with harness_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT title FROM posts")).all() == [("Before",)]
    # The next requests work, on whatever pooled connection they get.
    assert (await lenient_client.get("/api/posts/1")).json()["title"] == "Before"
    response = await lenient_client.patch("/api/posts/1", json={"title": "After"})
    assert (response.status_code, response.json()["title"]) == (200, "After")


@pytest.mark.parametrize("how", ["python-error", "database-error"])
async def test_page_read_fails_midway(lenient_client, check, harness_engine, how):
    await arrange(lenient_client)
    with failing("SELECT posts", how, harness_engine):
        response = await lenient_client.get("/posts/1")
    check(response)
    assert response.headers["content-type"].startswith("text/html")
    assert "Internal Server Error" in response.text
    assert_nothing_leaked(response)
    response = await lenient_client.get("/posts/1")
    assert response.status_code == 200 and "Before" in response.text
