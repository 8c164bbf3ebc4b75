import os
import time
import traceback
from typing import Annotated

from fastapi import Depends
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# SQLite file in the working directory by default; for PostgreSQL set for example
# DATABASE_URL=postgresql://user@127.0.0.1:5432/blog (SQLAlchemy 2.1 uses psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./blog.db")


def enforce_foreign_keys(dbapi_connection, connection_record):
    # SQLite checks foreign keys (and cascades deletes) only on connections that ask for it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


# The same database through an asyncio driver. This is the one place that maps the two.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
url = make_url(DATABASE_URL)
ASYNC_DATABASE_URL = url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()])

# How long a request may wait on the database in all before it is answered 503 (main.py). The budget has
# two halves, so that the waits cannot add up: at most WAIT for a session (main.py's MAX_SESSIONS, the pool),
# then at most WAIT to connect and for each statement (another connection's lock, a server that stalls).
# Without them a database that stalls stalls every request with it, with no answer at all.
TIMEOUT = float(os.environ.get("DATABASE_TIMEOUT", "10"))  # seconds
WAIT = TIMEOUT / 2
if DATABASE_URL.startswith("sqlite"):
    # timeout: how long to wait for another connection's write lock ("database is locked" after that).
    connect_args: dict[str, object] = {"check_same_thread": False, "timeout": WAIT}
else:
    # libpq settings: connect_timeout in whole seconds; statement_timeout, in ms, is enforced by the server.
    connect_args = {
        "connect_timeout": max(2, round(WAIT)),
        "options": f"-c statement_timeout={WAIT * 1000:.0f}",
    }
MAX_SESSIONS = 15  # every connection the engine may open: pool_size + max_overflow
# FastAPI runs a def route in a pool of 40 threads, then validates what it returned in that pool again, while
# the request's session still holds its connection. With more requests holding a session than the engine has
# connections, 40 threads can wait for connections held by requests that wait for a thread, and nothing moves
# until the pool gives up. So main.py's DbSession lets at most MAX_SESSIONS hold a session.
engine = create_engine(
    DATABASE_URL,
    connect_args=connect_args,
    pool_size=5,
    max_overflow=MAX_SESSIONS - 5,
    pool_timeout=WAIT,
    # A pooled connection the server has closed (a restart) is found at checkout and replaced, instead of
    # failing the request that gets it. One round trip per request: PostgreSQL only; SQLite has no server.
    pool_pre_ping=not DATABASE_URL.startswith("sqlite"),
)
if engine.dialect.name == "sqlite":
    event.listen(engine, "connect", enforce_foreign_keys)
# expire_on_commit=False: after db.commit(), a route returns what it committed without another query.
SessionLocal = sessionmaker(engine, autoflush=False, expire_on_commit=False)

# An async app holds a pooled connection for every request waiting on the database, not one per thread:
# with a server a few ms away, the default pool (5 + 10 overflow) caps throughput at 15 per round trip.
# PostgreSQL only: a SQLite file gains nothing from more connections (each is a thread of aiosqlite).
pool_size = 20 if url.get_backend_name() == "postgresql" else 5
MAX_ASYNC_SESSIONS = 40 if url.get_backend_name() == "postgresql" else 15  # pool_size + max_overflow
# The same timeouts in the async drivers' words. aiosqlite hands timeout to sqlite3; asyncpg waits that long
# to connect, and command_timeout for each statement, measured by the client: it also ends a wait on a
# network that stopped answering, where psycopg (sync) waits for as long as the connection stays open.
async_connect_args: dict[str, float] = {"timeout": WAIT}
if url.get_backend_name() == "postgresql":
    async_connect_args["command_timeout"] = WAIT
async_engine = create_async_engine(
    ASYNC_DATABASE_URL,
    connect_args=async_connect_args,
    pool_timeout=WAIT,
    pool_pre_ping=url.get_backend_name() != "sqlite",  # as the sync engine: PostgreSQL only
    pool_size=pool_size,
    max_overflow=MAX_ASYNC_SESSIONS - pool_size,
)
if async_engine.dialect.name == "sqlite":
    event.listen(async_engine.sync_engine, "connect", enforce_foreign_keys)
# expire_on_commit=False: after an await db.commit(), reading an attribute must not need the database.
AsyncSessionLocal = async_sessionmaker(async_engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def arrival() -> float:
    # FastAPI solves it before the session dependencies that take it: when the request began to wait.
    return time.monotonic()


def get_db(arrived: Annotated[float, Depends(arrival)]):
    if time.monotonic() - arrived > WAIT:  # its half of the budget went on waiting for a session
        raise PoolTimeout(f"no session free within {WAIT:g} s")
    db = SessionLocal()
    try:
        yield db
    finally:
        try:
            db.close()  # ends the transaction if the route did not commit
        except DBAPIError as exc:
            # A connection the server closed (a restart) has no transaction left to end: nothing to report.
            if not exc.connection_invalidated:
                raise


async def get_async_db(arrived: Annotated[float, Depends(arrival)]):
    # main.py's DbSession queues requests for a session (max_concurrency) in the order they came, as for
    # get_db. The pool's own queue does not: a connection given back goes to whichever request asks next, not
    # to the one that waited longest, and under a burst some wait there until pool_timeout while later ones
    # pass them.
    if time.monotonic() - arrived > WAIT:
        raise PoolTimeout(f"no session free within {WAIT:g} s")
    db = AsyncSessionLocal()
    try:
        yield db
    finally:
        try:
            await db.close()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise


# What a database that is down, unreachable, too slow or out of connections raises, among other errors:
# unavailable() tells which, and main.py answers those 503.
# asyncpg raises Python's own TimeoutError or ConnectionError (both OSError) instead of a SQLAlchemy error.
UNAVAILABLE = (DBAPIError, PoolTimeout, OSError)
# asyncpg reports most of what PostgreSQL refuses as a plain DBAPIError; the SQLSTATE's class says what it is:
# 08 the connection failed, 53 out of resources ("too many connections"), 57 a statement timeout, a shutdown.
NOT_NOW = ("08", "53", "57")


def unavailable(exc: Exception) -> bool:
    if isinstance(exc, OSError):
        # From the driver only when it came through SQLAlchemy; the app's own file or network calls raise
        # OSError too, and those are bugs or other services, not the database.
        frames = traceback.walk_tb(exc.__traceback__)
        return any(frame.f_globals.get("__name__", "").startswith("sqlalchemy.") for frame, _ in frames)
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated:
        # Of the other driver errors only OperationalError means unavailable; and on SQLite, which raises it
        # for bugs too ("no such table", a syntax error), only a lock.
        if DATABASE_URL.startswith("sqlite"):
            return isinstance(exc, OperationalError) and "locked" in str(exc.orig)
        return isinstance(exc, OperationalError) or str(getattr(exc.orig, "sqlstate", ""))[:2] in NOT_NOW
    return True  # a connection lost in the middle of a request (a restart), the pool's timeout
