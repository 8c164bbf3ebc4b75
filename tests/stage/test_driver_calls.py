"""The other calls that reach the driver per request, at the stages whose manifest says driver_calls:
BEGIN, COMMIT and ROLLBACK, the pool's rollback of a connection it takes back, and its pings
(pool_pre_ping); with aiosqlite, every call that crosses to the thread that owns the sqlite3 connection.
The same with 10 posts as with 500 (counting.py counts them).
"""

from collections.abc import Callable
from typing import Any

import pytest

from counting import LARGE, SMALL, PgCalls, Tally, small_and_large

pytestmark = pytest.mark.anyio


# The driver calls of one request at the stages whose manifest says driver_calls, the same with 10 posts as
# with 500. Every request ends its transaction: a read route's session rolls back as it closes, a write
# route's commits. The pool then rolls back the connection it takes back (reset_on_return, the default):
# asyncpg answers that without a round trip, aiosqlite with one more trip to its thread. (The benchmark's
# tuned configuration turns it off on SQLite, which is safe only where every session is closed.)
DRIVER_CALLS: dict[str, dict[str, Any]] = {
    # The calls that cross to aiosqlite's thread: four a statement (cursor, execute, fetchall, close: the
    # cursor fetches every row before it returns), three if it returns no rows; and the two at the end.
    "sqlite": {
        "GET /": 6,
        "GET /posts": 6,
        "GET /posts/{id}": 6,
        "GET /users/{id}/posts": 10,
        "GET /api/posts": 6,
        "GET /api/posts/{id}": 6,
        "POST /api/posts": 9,
        "PUT /api/posts/{id}": 9,
        "PATCH /api/posts/{id}": 9,
        "DELETE /api/posts/{id}": 6,
        "GET /api/users/{id}": 6,
        "GET /api/users/{id}/posts": 10,
        "POST /api/users": 13,
        "PATCH /api/users/{id}": 13,
        "DELETE /api/users/{id}": 6,
    },
    # The statements, BEGIN and the two at the end, and pool_pre_ping's one ping at checkout.
    "postgresql": {
        "GET /": PgCalls(1, 3, 1),
        "GET /posts": PgCalls(1, 3, 1),
        "GET /posts/{id}": PgCalls(1, 3, 1),
        "GET /users/{id}/posts": PgCalls(2, 3, 1),
        "GET /api/posts": PgCalls(1, 3, 1),
        "GET /api/posts/{id}": PgCalls(1, 3, 1),
        "POST /api/posts": PgCalls(2, 3, 1),
        "PUT /api/posts/{id}": PgCalls(2, 3, 1),
        "PATCH /api/posts/{id}": PgCalls(2, 3, 1),
        "DELETE /api/posts/{id}": PgCalls(1, 3, 1),
        "GET /api/users/{id}": PgCalls(1, 3, 1),
        "GET /api/users/{id}/posts": PgCalls(2, 3, 1),
        "POST /api/users": PgCalls(3, 3, 1),
        "PATCH /api/users/{id}": PgCalls(3, 3, 1),
        "DELETE /api/users/{id}": PgCalls(1, 3, 1),
    },
}

# What DRIVER_CALLS counts on each backend.
MEASURES: dict[str, Callable[["Tally"], Any]] = {
    "sqlite": lambda tally: tally.handoffs.total(),
    "postgresql": lambda tally: tally.pg_calls(),
}


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
