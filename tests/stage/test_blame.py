"""Which failures answer 503 "Database unavailable": those of the database, wherever in the request they
happen, and no others.

- A database that fails while the answer is being built (the lazy loads of each post's author in GET
  /api/posts, until the manifest says lazy_raise) is answered 503 like a failure in the route, not 500.
- An OSError that the app's own code raises (a file it reads, a call to another service that times out) is
  a 500: asyncpg raises OSError too, to connect or when a statement times out, but only those may be 503.
"""

import importlib
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.anyio, pytest.mark.errors_as_responses]


@contextmanager
def users_locked(harness_engine):
    """Every statement of the app that reads users and not posts (a lazy load of an author) fails as a lock
    that outlasted the timeout does; the statements that read posts run."""
    failed: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        words = statement.lower()
        if conn.engine is not harness_engine and "from users" in words and "posts" not in words:
            failed.append(statement)
            raise sa.exc.OperationalError(statement, parameters, Exception("database is locked"))

    sa.event.listen(sa.Engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield failed
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", before_cursor_execute)


async def test_a_database_failure_while_the_answer_is_built_is_503(stage, client, sample, harness_engine):
    with users_locked(harness_engine) as failed:
        response = await client.get("/api/posts")
    # Without lazy_raise the authors load one by one after the posts; with it, they come with the posts.
    assert bool(failed) == (not stage.lazy_raise), failed
    if failed:
        assert response.status_code == 503, response.text
        assert response.json() == {"detail": "Database unavailable"}
    else:
        assert response.status_code == 200, response.text
    assert (await client.get("/api/posts")).status_code == 200  # and the next request works


def not_the_database(error: OSError):
    def fail(*args, **kwargs):
        raise error

    return fail


OSERRORS = {
    "a file the page reads is missing": FileNotFoundError(2, "No such file or directory", "banner.html"),
    "another service does not answer": TimeoutError("the mail server did not answer"),
    "another service refuses": ConnectionRefusedError(111, "Connection refused"),
}


@pytest.mark.parametrize("error", OSERRORS.values(), ids=list(OSERRORS))
async def test_an_oserror_of_the_app_itself_is_a_500_not_a_503(client, sample, monkeypatch, error):
    main = importlib.import_module("main")
    monkeypatch.setattr(main.templates, "TemplateResponse", not_the_database(error))
    response = await client.get("/")
    assert response.status_code == 500, response.text
    assert "Database unavailable" not in response.text and "retry-after" not in response.headers

    monkeypatch.setattr(main, "get_post_or_404", not_the_database(error))
    response = await client.get("/api/posts/1")
    assert (response.status_code, response.json()) == (500, {"detail": "Internal Server Error"})
    assert "retry-after" not in response.headers
