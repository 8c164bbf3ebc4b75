"""Counting what one request asks of the database: the requests every endpoint is counted with, the tally of
statements and other driver calls, and the rows to count them on (10 posts, then 500).

Statements are counted with SQLAlchemy's before_cursor_execute event on every engine the stage's
`database` module defines (an AsyncEngine through its sync_engine); BEGIN, COMMIT and ROLLBACK with
ConnectionEvents; the pool's rollback of a connection it takes back and its pings (pool_pre_ping) on the
dialect; with aiosqlite, every call that crosses to the thread that owns the sqlite3 connection.
test_statement_counts.py and test_driver_calls.py hold what each endpoint may cost.
"""

import importlib
import importlib.util
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

SMALL, LARGE = 10, 500
USERS = 50  # the posts' authors in turn: 10 posts have 10 authors, 500 posts all 50
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


class PgCalls(NamedTuple):
    """What a request asks of a PostgreSQL driver (psycopg, then asyncpg from the async routes on).

    Calls, not round trips: asyncpg pings a connection outside a transaction with BEGIN, ";" and ROLLBACK,
    and sends nothing for a rollback or commit with no transaction open (psycopg neither).
    """

    statements: int
    transaction: int  # BEGIN, COMMIT, ROLLBACK, and the pool's rollback of the connection it takes back
    pings: int  # pool_pre_ping, once per checkout of a pooled connection


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


@dataclass
class Tally:
    """What one request asked of the database."""

    statements: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    handoffs: Counter[str] = field(default_factory=Counter)  # aiosqlite's, by the sqlite3 method called

    def driver_calls(self) -> dict[str, Any]:
        """What STATEMENT_COUNTS_JSON records: SQLAlchemy's calls to the driver, then aiosqlite's."""
        keys = ("begin", "commit", "rollback", "reset", "ping", "checkout", "connect")
        found = {key: self.calls[key] for key in keys}
        return {
            "statements": len(self.statements),
            **found,
            "handoffs": self.handoffs.total(),
            "handoffs_by_call": dict(sorted(self.handoffs.items())),
        }

    def pg_calls(self) -> PgCalls:
        transaction = sum(self.calls[key] for key in ("begin", "commit", "rollback", "reset"))
        return PgCalls(len(self.statements), transaction, self.calls["ping"])


@contextmanager
def patched(target: Any, name: str, make):
    """`target.name` replaced by make(original) until the block ends (a class's or an instance's)."""
    original = getattr(target, name)
    own = name in vars(target)
    setattr(target, name, make(original))
    try:
        yield
    finally:
        if own:
            setattr(target, name, original)
        else:
            delattr(target, name)


@contextmanager
def counting(engines: list[sa.Engine]) -> Iterator[Tally]:
    """Count, while the block runs, what the engines ask of their drivers, and aiosqlite of its thread.

    Events where SQLAlchemy has them: statements, BEGIN, COMMIT and ROLLBACK on a Connection, and the pool's
    checkouts. The pool's pings and the rollback (or commit) it does itself when it takes a connection back
    have no event of their own (PoolEvents.reset fires whether or not the pool then calls the driver): they
    are counted on the dialect, whose do_ping, do_rollback and do_commit make every such call to the driver.
    """
    tally = Tally()

    def statement(conn, cursor, statement, parameters, context, executemany):
        tally.statements.append(statement)

    def counter(key: str):
        def count(*args) -> None:
            tally.calls[key] += 1

        return count

    def on_dialect(key: str):
        def make(original):
            def call(*args, **kwargs):
                tally.calls[key] += 1
                return original(*args, **kwargs)

            return call

        return make

    listeners = [
        ("before_cursor_execute", statement),
        ("begin", counter("begin")),
        ("commit", counter("commit")),
        ("rollback", counter("rollback")),
        ("checkout", counter("checkout")),
        ("connect", counter("connect")),  # none while the pool has a connection to give (see count)
    ]
    with ExitStack() as stack:
        for engine in engines:
            for event, listener in listeners:
                sa.event.listen(engine, event, listener)
                stack.callback(sa.event.remove, engine, event, listener)
            for method in ("do_ping", "do_rollback", "do_commit"):
                stack.enter_context(patched(engine.dialect, method, on_dialect(method)))
        if importlib.util.find_spec("aiosqlite"):  # only the stages with the async drivers have it
            stack.enter_context(
                patched(importlib.import_module("aiosqlite").Connection, "_execute", handoff(tally))
            )
        yield tally
    # The dialect saw every rollback and commit; those the Connection did not ask for were the pool's.
    tally.calls["ping"] = tally.calls.pop("do_ping", 0)
    dialect = tally.calls.pop("do_rollback", 0) + tally.calls.pop("do_commit", 0)
    tally.calls["reset"] = dialect - tally.calls["rollback"] - tally.calls["commit"]


def handoff(tally: Tally):
    """aiosqlite.Connection._execute counting: aiosqlite 0.22 queues every call on an open connection to the
    connection's own thread there, cursors' calls included (Cursor._execute calls it); only opening and
    closing the connection queue theirs directly."""

    def make(original):
        async def _execute(self, fn, *args, **kwargs):
            tally.handoffs[getattr(fn, "__name__", repr(fn))] += 1
            return await original(self, fn, *args, **kwargs)

        return _execute

    return make


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


async def count(client, engines, call: Call, post: int, user: int, tag: str) -> Tally:
    method, path, body = call.request(post, user, tag)
    # A request first, so that the one counted finds a connection in the pool, as on a server that has
    # answered before: where the lifespan uses another engine than the routes (before the async routes),
    # the routes' engine would connect instead of pinging a pooled connection.
    await client.get("/api/posts", params={"limit": 1})
    with counting(engines) as tally:
        response = await client.request(method, path, json=body)
    assert response.status_code == call.status, response.text
    return tally


async def small_and_large(client, harness_engine, name: str) -> tuple[Tally, Tally]:
    """The request `name` with 10 posts in the database, then (on other rows) with 500."""
    engines = stage_engines()
    grow(harness_engine, SMALL)
    small = await count(client, engines, CALLS[name], post=2, user=2, tag=str(SMALL))
    grow(harness_engine, LARGE)
    large = await count(client, engines, CALLS[name], post=3, user=3, tag=str(LARGE))
    return small, large
