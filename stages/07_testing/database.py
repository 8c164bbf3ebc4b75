import os

from sqlalchemy import event, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

# SQLite file in the working directory by default; for PostgreSQL set for example
# DATABASE_URL=postgresql://user@127.0.0.1:5432/blog (SQLAlchemy 2.1 uses psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./blog.db")


def enforce_foreign_keys(dbapi_connection, connection_record):
    # SQLite checks foreign keys (and cascades deletes) only on connections that ask for it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def replace_if_closed(dbapi_connection, connection_record, connection_proxy):
    # asyncpg notices at once that the server closed a connection (a restart): the pool hands out another,
    # with no round trip. pool_pre_ping would ask the server instead: three round trips on asyncpg.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


# The same database through an asyncio driver. This is the one place that maps the two.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
url = make_url(DATABASE_URL)
ASYNC_DATABASE_URL = url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()])

# How long a request may wait on the database before it is answered 503 (main.py): to connect, for one
# statement, and for a free connection from the pool. Without them a database that stalls stalls every
# request with it, with no answer at all.
TIMEOUT = float(os.environ.get("DATABASE_TIMEOUT", "5"))  # seconds

# An async app holds a pooled connection for every request waiting on the database, not one per thread:
# with a server a few ms away, the default pool (5 + 10 overflow) caps throughput at 15 per round trip.
# PostgreSQL only: a SQLite file gains nothing from more connections (each is a thread of aiosqlite).
# On SQLite instead, the pool does not roll back a connection it takes back (reset_on_return): each call to
# aiosqlite is a trip to its thread, and this one is never needed, since get_async_db closes every session,
# which ends its transaction first. PostgreSQL drivers skip that rollback by themselves.
pool = (
    {"pool_size": 20, "max_overflow": 20}
    if url.get_backend_name() == "postgresql"
    else {"pool_reset_on_return": None}
)
# The same timeouts in the async drivers' words. aiosqlite hands timeout to sqlite3; asyncpg waits that long
# to connect, and command_timeout for each statement, measured by the client: it also ends a wait on a
# network that stopped answering, where psycopg (sync) waits for as long as the connection stays open.
async_connect_args: dict[str, float] = {"timeout": TIMEOUT}
if url.get_backend_name() == "postgresql":
    async_connect_args["command_timeout"] = TIMEOUT
async_engine = create_async_engine(
    ASYNC_DATABASE_URL,
    connect_args=async_connect_args,
    pool_timeout=TIMEOUT,
    **pool,
)
if async_engine.dialect.name == "sqlite":
    event.listen(async_engine.sync_engine, "connect", enforce_foreign_keys)
else:
    event.listen(async_engine.sync_engine, "checkout", replace_if_closed)
# expire_on_commit=False: after an await db.commit(), reading an attribute must not need the database.
AsyncSessionLocal = async_sessionmaker(async_engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db


# What a database that is down, unreachable, too slow or out of connections raises, among other errors:
# unavailable() tells which, and main.py answers those 503.
# asyncpg raises Python's own TimeoutError or ConnectionError (both OSError) instead of a SQLAlchemy error.
UNAVAILABLE = (DBAPIError, PoolTimeout, OSError)


def unavailable(exc: Exception) -> bool:
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated:
        # Of the other driver errors only OperationalError means unavailable; and on SQLite, which raises it
        # for bugs too ("no such table", a syntax error), only a lock.
        if DATABASE_URL.startswith("sqlite"):
            return isinstance(exc, OperationalError) and "locked" in str(exc.orig)
        return isinstance(exc, OperationalError)
    return True  # a connection lost in the middle of a request (a restart), the pool's timeout, OSError
