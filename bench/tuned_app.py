"""A stage's app tuned by configuration only, its code unchanged: the harness sets how many connections,
sessions and threads a sync stage runs with (BENCH_POOL), or gives the final stage's async engine the tuning
that suits this app and is not safe in every app (BENCH_ENGINE_TUNING=1). bench/servers.py runs it from inside
the stage's folder with the repository root on PYTHONPATH:

    BENCH_POOL=40 PYTHONPATH=../.. python -m uvicorn bench.tuned_app:app
    BENCH_ENGINE_TUNING=1 PYTHONPATH=../.. python -m uvicorn bench.tuned_app:app

BENCH_POOL (a sync stage, the reader's alternative to migrating):
- The engine's pool holds BENCH_POOL connections in all: the stage's own `create_engine` call, every argument
  kept, with `max_overflow` raised to BENCH_POOL - pool_size (what setting MAX_SESSIONS in database.py does).
- As many requests hold a session at once: `database.MAX_SESSIONS` is set before main.py imports it for
  `Depends(get_db, max_concurrency=MAX_SESSIONS)`.
- anyio's thread limiter, which runs every `def` route and dependency, gets at least BENCH_POOL tokens (its
  default is 40), set in the server's event loop at startup.

BENCH_ENGINE_TUNING (the final stage): the stage's own `create_async_engine` call, every other argument kept,
- on SQLite with `pool_reset_on_return=None`: the pool does not roll back a connection it takes back, one
  aiosqlite hand-off less per request. Safe only because every session is closed by the dependency (which
  ends its transaction) before its connection goes back; an app that checks connections out otherwise keeps
  their transactions open.
- on PostgreSQL with `pool_pre_ping=False` and a checkout listener that asks asyncpg's `is_closed()`: a
  connection the server closed is replaced at checkout without a round trip (pre-ping costs three on asyncpg).
  It sees only what asyncpg already noticed: a connection dropped silently (a firewall) fails a request.
Whether the stage still has this tuning itself or not, the server runs with it.

GET /_bench/settings answers, from inside the running server, what it runs with (and what the stage asked
for), and the most connections that were checked out of the pool at once since the last time it was asked:
the proof that the tuning took effect.
"""

import importlib
import json
import os
import threading
from typing import Any

import anyio.to_thread
import sqlalchemy
from sqlalchemy.exc import DisconnectionError
from starlette.types import Receive, Scope, Send

from bench import TUNED_SETTINGS_PATH

POOL = int(os.environ.get("BENCH_POOL") or 0)
ENGINE_TUNING = os.environ.get("BENCH_ENGINE_TUNING") == "1"
stage_create_engine = sqlalchemy.create_engine
if ENGINE_TUNING:  # a sync stage may have no greenlet, which sqlalchemy.ext.asyncio needs
    import sqlalchemy.ext.asyncio

    stage_create_async_engine = sqlalchemy.ext.asyncio.create_async_engine
asked: dict[str, Any] = {}  # what the stage's own create_async_engine call asked for


def create_engine(*args: Any, **kwargs: Any) -> sqlalchemy.Engine:
    kwargs["max_overflow"] = POOL - kwargs.get("pool_size", 5)
    return stage_create_engine(*args, **kwargs)


def replace_if_closed(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """asyncpg notices at once that the server closed a connection: the pool hands out another."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


def create_async_engine(url: Any, **kwargs: Any) -> Any:
    sqlite = sqlalchemy.make_url(url).get_backend_name() == "sqlite"
    asked.update(
        pool_reset_on_return=str(kwargs.get("pool_reset_on_return", "rollback")),
        pool_pre_ping=bool(kwargs.get("pool_pre_ping", False)),
    )
    if sqlite:
        kwargs["pool_reset_on_return"] = None
    else:
        kwargs["pool_pre_ping"] = False
    engine = stage_create_async_engine(url, **kwargs)
    if not sqlite:
        sqlalchemy.event.listen(engine.sync_engine, "checkout", replace_if_closed)
    return engine


# database.py runs `from sqlalchemy import create_engine` (and the asyncio one) when it is imported, and
# builds its engines then.
if POOL:
    sqlalchemy.create_engine = create_engine
if ENGINE_TUNING:
    sqlalchemy.ext.asyncio.create_async_engine = create_async_engine
try:
    database: Any = importlib.import_module("database")  # the stage's: its folder is first on the path
finally:
    sqlalchemy.create_engine = stage_create_engine
    if ENGINE_TUNING:
        sqlalchemy.ext.asyncio.create_async_engine = stage_create_async_engine
STAGE_SESSIONS = getattr(database, "MAX_SESSIONS", None)
if POOL:
    database.MAX_SESSIONS = POOL
stage_main: Any = importlib.import_module("main")
engine: sqlalchemy.Engine = database.engine if POOL else database.async_engine.sync_engine


class Checkouts:
    """Connections checked out of the pool now, and the most at once since `peak()` was last called."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0

    def checkout(self, *args: Any) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def checkin(self, *args: Any) -> None:
        with self.lock:
            self.now -= 1

    def peak(self) -> int:
        with self.lock:
            most, self.most = self.most, self.now
            return most


checkouts = Checkouts()
sqlalchemy.event.listen(engine, "checkout", checkouts.checkout)
sqlalchemy.event.listen(engine, "checkin", checkouts.checkin)


def settings() -> dict[str, Any]:
    pool: Any = engine.pool
    found: dict[str, Any] = {"peak_connections": checkouts.peak()}
    if POOL:
        found |= {
            "pool_size": pool.size(),
            "max_overflow": pool._max_overflow,
            "sessions": stage_main.MAX_SESSIONS,  # what main.py's Depends(max_concurrency=...) got
            "stage_sessions": STAGE_SESSIONS,
            "threads": anyio.to_thread.current_default_thread_limiter().total_tokens,
        }
    if ENGINE_TUNING:
        found |= {
            "dialect": engine.dialect.name,
            "reset_on_return": pool._reset_on_return.name,  # SQLAlchemy's ResetStyle: reset_none
            "pre_ping": pool._pre_ping,
            "closed_check": sqlalchemy.event.contains(engine, "checkout", replace_if_closed),
            "stage_reset_on_return": asked.get("pool_reset_on_return"),
            "stage_pre_ping": asked.get("pool_pre_ping"),
        }
    return found


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan" and POOL:  # the server's event loop, before any request
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, POOL)
    elif scope["type"] == "http" and scope["path"] == TUNED_SETTINGS_PATH:
        body = json.dumps(settings()).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await stage_main.app(scope, receive, send)
