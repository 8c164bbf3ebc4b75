import os

from sqlalchemy import create_engine, event, make_url
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

connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
MAX_SESSIONS = 15  # every connection the engine may open: pool_size + max_overflow
# FastAPI runs a def route in a pool of 40 threads, then validates what it returned in that pool again, while
# the request's session still holds its connection. With more requests holding a session than the engine has
# connections, 40 threads can wait for connections held by requests that wait for a thread, and nothing moves
# until the pool gives up (a 500 after 30 s). So main.py's DbSession lets at most MAX_SESSIONS hold a session.
engine = create_engine(DATABASE_URL, connect_args=connect_args, pool_size=5, max_overflow=MAX_SESSIONS - 5)
if engine.dialect.name == "sqlite":
    event.listen(engine, "connect", enforce_foreign_keys)
# expire_on_commit=False: after db.commit(), a route returns what it committed without another query.
SessionLocal = sessionmaker(engine, autoflush=False, expire_on_commit=False)

# An async app holds a pooled connection for every request waiting on the database, not one per thread:
# with a server a few ms away, the default pool (5 + 10 overflow) caps throughput at 15 per round trip.
# PostgreSQL only: a SQLite file gains nothing from more connections (each is a thread of aiosqlite).
pool = {"pool_size": 20, "max_overflow": 20} if url.get_backend_name() == "postgresql" else {}
async_engine = create_async_engine(ASYNC_DATABASE_URL, **pool)
if async_engine.dialect.name == "sqlite":
    event.listen(async_engine.sync_engine, "connect", enforce_foreign_keys)
# expire_on_commit=False: after an await db.commit(), reading an attribute must not need the database.
AsyncSessionLocal = async_sessionmaker(async_engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db
