"""How many SQL statements one request issues, with 10 posts in the database and then with 500.

Statements are counted with SQLAlchemy's before_cursor_execute event on every engine the stage's
`database` module defines (an AsyncEngine through its sync_engine). What a request may cost is data: the
pages and the API listing posts with their authors load each distinct author lazily, one statement per
author after the one for the posts (the N+1), until the manifest says lazy_raise: from that step on the
authors are eager-loaded and the listing costs two statements however many posts there are. Every other
endpoint costs the same with 10 posts as with 500 at every stage.

Each test records its counts as a property; with STATEMENT_COUNTS_JSON set, conftest.py writes them all
to that file (the benchmark reads it).
"""

import importlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.anyio

SMALL, LARGE = 10, 500
USERS = 50  # the posts' authors in turn: 10 posts have 10 authors, 500 posts all 50
# The endpoints that show a list of posts, each with its author: at least 50 posts (the API's default page
# is 100), so every author of the database is on the page.
LISTS_WITH_AUTHORS = {"GET /", "GET /posts", "GET /api/posts"}
FIRST_POST = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None
    status: int = 200

    def request(self, post: int, user: int, tag: str) -> tuple[str, str, dict | None]:
        def fill(value):
            return value.format(post=post, user=user, tag=tag) if isinstance(value, str) else value

        body = None
        if self.body is not None:
            body = {key: user if value == "{user_id}" else fill(value) for key, value in self.body.items()}
        return self.method, fill(self.path), body


POST_BODY = {"title": "Counted {tag}", "content": "Statements counted.", "user_id": "{user_id}"}
CALLS = {
    "GET /": Call("GET", "/"),
    "GET /posts": Call("GET", "/posts"),
    "GET /posts/{id}": Call("GET", "/posts/{post}"),
    "GET /users/{id}/posts": Call("GET", "/users/{user}/posts"),
    "GET /api/posts": Call("GET", "/api/posts"),
    "GET /api/posts/{id}": Call("GET", "/api/posts/{post}"),
    "POST /api/posts": Call("POST", "/api/posts", POST_BODY, status=201),
    "PUT /api/posts/{id}": Call("PUT", "/api/posts/{post}", POST_BODY),
    "PATCH /api/posts/{id}": Call("PATCH", "/api/posts/{post}", {"title": "Renamed {tag}"}),
    "DELETE /api/posts/{id}": Call("DELETE", "/api/posts/{post}", status=204),
    "GET /api/users/{id}": Call("GET", "/api/users/{user}"),
    "GET /api/users/{id}/posts": Call("GET", "/api/users/{user}/posts"),
    "POST /api/users": Call(
        "POST", "/api/users", {"username": "new{tag}", "email": "new{tag}@example.com"}, 201
    ),
    "PATCH /api/users/{id}": Call("PATCH", "/api/users/{user}", {"username": "renamed{tag}"}),
    "DELETE /api/users/{id}": Call("DELETE", "/api/users/{user}", status=204),
}


def stage_engines() -> list[sa.Engine]:
    """Every engine the stage's database module holds: sync engines, and async ones through sync_engine."""
    database = importlib.import_module("database")
    found = []
    for value in vars(database).values():
        engine = value if isinstance(value, sa.Engine) else getattr(value, "sync_engine", None)
        if isinstance(engine, sa.Engine) and engine not in found:
            found.append(engine)
    assert found, "the stage's database module defines no engine"
    return found


@contextmanager
def counting(engines: list[sa.Engine]):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", record)


def grow(engine: sa.Engine, posts: int) -> None:
    """The first call adds 50 users; every call adds posts up to `posts`, each by the next user in turn."""
    models = importlib.import_module("models")
    users, table = models.User.__table__, models.Post.__table__
    with engine.begin() as conn:
        if not conn.scalar(sa.select(sa.func.count()).select_from(users)):
            rows = [
                {"id": i, "username": f"user{i}", "email": f"user{i}@example.com"}
                for i in range(1, USERS + 1)
            ]
            conn.execute(users.insert(), rows)
        authors = conn.scalars(sa.select(users.c.id).order_by(users.c.id)).all()
        have, last = conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.id))).one()
        rows = []
        for n in range((last or 0) + 1, (last or 0) + 1 + posts - have):
            author = authors[(n - 1) % len(authors)]
            when = FIRST_POST + timedelta(minutes=n)
            rows.append(
                {"id": n, "title": f"Post {n}", "content": "Words.", "user_id": author, "date_posted": when}
            )
        if rows:
            conn.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for name in (users.name, table.name):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )


async def count(client, engines, call: Call, post: int, user: int, tag: str) -> list[str]:
    method, path, body = call.request(post, user, tag)
    with counting(engines) as statements:
        response = await client.request(method, path, json=body)
    assert response.status_code == call.status, response.text
    return statements


def expected_counts(name: str, stage) -> tuple[int, int] | None:
    """(small, large) for a list with authors: with lazy_raise 2 and 2, without it 1 + the authors each."""
    if name not in LISTS_WITH_AUTHORS:
        return None
    if stage.lazy_raise:
        return 2, 2  # the posts, then all of their authors in one SELECT ... WHERE users.id IN (...)
    return 1 + min(SMALL, USERS), 1 + min(LARGE, USERS)  # the posts, then one lazy load per author


@pytest.mark.parametrize("name", list(CALLS))
async def test_statements_per_request(name, stage, client, harness_engine, record_property):
    engines = stage_engines()
    call = CALLS[name]
    grow(harness_engine, SMALL)
    small = await count(client, engines, call, post=2, user=2, tag=str(SMALL))
    grow(harness_engine, LARGE)
    large = await count(client, engines, call, post=3, user=3, tag=str(LARGE))
    statement, times = Counter(large).most_common(1)[0]
    found = {"small": len(small), "large": len(large), "most_repeated": [statement, times]}
    record_property("statements", {"endpoint": name, "sizes": [SMALL, LARGE], **found})

    expected = expected_counts(name, stage)
    if expected is None:
        assert len(large) == len(small), (
            f"{name} issues {len(small)} statements with {SMALL} posts but {len(large)} with {LARGE}: "
            f"a query per row ({times} x {statement!r})"
        )
    else:
        assert (len(small), len(large)) == expected, (
            f"{name} with {SMALL} and {LARGE} posts: expected {expected[0]} and {expected[1]} statements "
            f"(lazy_raise={stage.lazy_raise}), counted {len(small)} and {len(large)}; "
            f"most repeated: {times} x {statement!r}"
        )
