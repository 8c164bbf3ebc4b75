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

# `client` answers an exception in the app with the 500 a server would send, instead of raising it here.
pytestmark = [pytest.mark.anyio, pytest.mark.errors_as_responses]

SECRET = "boom-7f3a"
LEAKS = ["Traceback", SECRET, "boom_7f3a", "no_such_table", "UPDATE", "SELECT", "sqlalchemy", 'File "']


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


@pytest.mark.parametrize("how", ["python-error", "database-error"])
async def test_api_write_fails_midway(client, blog, check, harness_engine, how):
    await blog.post(await blog.user("ada"), "Before", "Kept.")
    with failing("UPDATE posts", how, harness_engine):
        response = await client.patch("/api/posts/1", json={"title": "After"})
    check(response)
    assert response.json() == {"detail": "Internal Server Error"}
    assert_nothing_leaked(response)
    with harness_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT title FROM posts")).all() == [("Before",)]
    # The next requests work, on whatever pooled connection they get.
    assert (await client.get("/api/posts/1")).json()["title"] == "Before"
    response = await client.patch("/api/posts/1", json={"title": "After"})
    assert (response.status_code, response.json()["title"]) == (200, "After")


@pytest.mark.parametrize("how", ["python-error", "database-error"])
async def test_page_read_fails_midway(client, blog, check, harness_engine, how):
    await blog.post(await blog.user("ada"), "Before", "Kept.")
    with failing("SELECT posts", how, harness_engine):
        response = await client.get("/posts/1")
    check(response)
    assert response.headers["content-type"].startswith("text/html")
    assert "Internal Server Error" in response.text
    assert_nothing_leaked(response)
    response = await client.get("/posts/1")
    assert response.status_code == 200 and "Before" in response.text
