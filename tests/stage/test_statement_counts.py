"""What one request costs the database, with 10 posts in the database and then with 500.

Statements are counted with SQLAlchemy's before_cursor_execute event on every engine the stage's
`database` module defines (an AsyncEngine through its sync_engine). What a request may cost is data. The
lists of posts with their authors show a page of posts: 10 on the HTML pages, the API's default limit of 100
on GET /api/posts. Until the manifest says lazy_raise, they load each distinct author on the page lazily,
one statement per author after the one for the posts (the N+1): with 10 posts by 10 authors the pages cost
11 statements, and with 500 posts by 50 authors still 11 (a page shows 10), but GET /api/posts costs 51 (its
100 posts have all 50 authors). From lazy_raise on, the posts come with their authors in one statement, a
JOIN (joinedload). Every other endpoint costs the same with 10 posts as with 500 at every stage, and from
lazy_raise on every endpoint does.

The same requests also count the other calls that reach the driver: BEGIN, COMMIT and ROLLBACK
(ConnectionEvents), the pool's rollback of a connection it takes back, and its pings (pool_pre_ping); with
aiosqlite, every call that crosses to the thread that owns the sqlite3 connection. For the stages whose
manifest says driver_calls, DRIVER_CALLS holds them per endpoint.

Each test records its counts as a property; with STATEMENT_COUNTS_JSON set, conftest.py writes them all
to that file (the benchmark reads it).
"""

import importlib
import importlib.util
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import pytest
import sqlalchemy as sa

from tools import stages

pytestmark = pytest.mark.anyio

SMALL, LARGE = 10, 500
USERS = 50  # the posts' authors in turn: 10 posts have 10 authors, 500 posts all 50
# The endpoints that show a list of posts, each with its author, and how many posts one request shows: a
# page of the HTML lists, the API's default limit. The newest posts are by as many authors in turn.
LISTS_WITH_AUTHORS = {"GET /": 10, "GET /posts": 10, "GET /api/posts": 100}
EAGER_LIST = 1  # with lazy_raise: SELECT posts JOIN users, the page's posts with their authors (joinedload)
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
    pings: int  # pool_pre_ping, once per checkout of a pooled connection (the async stages check without one)


# The driver calls of one request at the stages whose manifest says driver_calls, the same with 10 posts as
# with 500. Every request ends its transaction: a read route's session rolls back as it closes, a write
# route's commits. On PostgreSQL the pool then rolls back the connection it takes back, a call the driver
# answers without a round trip; on SQLite the async engine turns that off (pool_reset_on_return=None).
DRIVER_CALLS: dict[str, dict[str, Any]] = {
    # The calls that cross to aiosqlite's thread: four a statement (cursor, execute, fetchall, close: the
    # cursor fetches every row before it returns), three if it returns no rows; and the one at the end.
    "sqlite": {
        "GET /": 5,
        "GET /posts": 5,
        "GET /posts/{id}": 5,
        "GET /users/{id}/posts": 9,
        "GET /api/posts": 5,
        "GET /api/posts/{id}": 5,
        "POST /api/posts": 8,
        "PUT /api/posts/{id}": 8,
        "PATCH /api/posts/{id}": 8,
        "DELETE /api/posts/{id}": 5,
        "GET /api/users/{id}": 5,
        "GET /api/users/{id}/posts": 9,
        "POST /api/users": 12,
        "PATCH /api/users/{id}": 12,
        "DELETE /api/users/{id}": 5,
    },
    # The statements, BEGIN and the two at the end; no ping: asyncpg knows a closed connection without one.
    "postgresql": {
        "GET /": PgCalls(1, 3, 0),
        "GET /posts": PgCalls(1, 3, 0),
        "GET /posts/{id}": PgCalls(1, 3, 0),
        "GET /users/{id}/posts": PgCalls(2, 3, 0),
        "GET /api/posts": PgCalls(1, 3, 0),
        "GET /api/posts/{id}": PgCalls(1, 3, 0),
        "POST /api/posts": PgCalls(2, 3, 0),
        "PUT /api/posts/{id}": PgCalls(2, 3, 0),
        "PATCH /api/posts/{id}": PgCalls(2, 3, 0),
        "DELETE /api/posts/{id}": PgCalls(1, 3, 0),
        "GET /api/users/{id}": PgCalls(1, 3, 0),
        "GET /api/users/{id}/posts": PgCalls(2, 3, 0),
        "POST /api/users": PgCalls(3, 3, 0),
        "PATCH /api/users/{id}": PgCalls(3, 3, 0),
        "DELETE /api/users/{id}": PgCalls(1, 3, 0),
    },
}

# What DRIVER_CALLS counts on each backend.
MEASURES: dict[str, Callable[["Tally"], Any]] = {
    "sqlite": lambda tally: tally.handoffs.total(),
    "postgresql": lambda tally: tally.pg_calls(),
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


def expected_counts(name: str, stage: stages.Stage) -> tuple[int, int] | None:
    """(small, large) for a list with authors: with lazy_raise one JOIN, without it 1 + the page's authors."""
    if name not in LISTS_WITH_AUTHORS:
        return None
    if stage.lazy_raise:
        return EAGER_LIST, EAGER_LIST
    shown = LISTS_WITH_AUTHORS[name]
    return 1 + min(SMALL, shown, USERS), 1 + min(LARGE, shown, USERS)  # the posts, a lazy load per author


@pytest.mark.parametrize("name", list(CALLS))
async def test_statements_per_request(name, stage, client, harness_engine, record_property):
    small, large = await small_and_large(client, harness_engine, name)
    statement, times = Counter(large.statements).most_common(1)[0]
    found = {
        "small": len(small.statements),
        "large": len(large.statements),
        "most_repeated": [statement, times],
    }
    driver_calls = {"small": small.driver_calls(), "large": large.driver_calls()}
    record_property(
        "statements", {"endpoint": name, "sizes": [SMALL, LARGE], **found, "driver_calls": driver_calls}
    )

    expected = expected_counts(name, stage)
    if expected is None:
        assert found["large"] == found["small"], (
            f"{name} issues {found['small']} statements with {SMALL} posts but {found['large']} with "
            f"{LARGE}: a query per row ({times} x {statement!r})"
        )
    else:
        assert (found["small"], found["large"]) == expected, (
            f"{name} with {SMALL} and {LARGE} posts: expected {expected[0]} and {expected[1]} statements "
            f"(lazy_raise={stage.lazy_raise}), counted {found['small']} and {found['large']}; "
            f"most repeated: {times} x {statement!r}"
        )


async def test_driver_calls_per_request(stage, client, harness_engine):
    if not stage.driver_calls:
        pytest.skip("DRIVER_CALLS holds the counts of the stages whose manifest says driver_calls")
    backend = harness_engine.dialect.name
    measure, wrong = MEASURES[backend], {}
    for name, expected in DRIVER_CALLS[backend].items():
        small, large = await small_and_large(client, harness_engine, name)
        if [measure(small), measure(large)] != [expected, expected]:
            wrong[name] = f"expected {expected}; counted {small.driver_calls()}, then {large.driver_calls()}"
    assert not wrong, f"on {backend}, with {SMALL} and with {LARGE} posts: {wrong}"
