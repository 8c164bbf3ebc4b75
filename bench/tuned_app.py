"""The sync baseline tuned by configuration only, as a user might instead of migrating: its code unchanged,
the harness sets how many connections, sessions and threads it runs with. bench/servers.py runs it from inside
the stage's folder with the repository root on PYTHONPATH:

    BENCH_POOL=40 PYTHONPATH=../.. python -m uvicorn bench.tuned_app:app

- The engine's pool holds BENCH_POOL connections in all: the stage's own `create_engine` call, every argument
  kept, with `max_overflow` raised to BENCH_POOL - pool_size (what setting MAX_SESSIONS in database.py does).
- As many requests hold a session at once: `database.MAX_SESSIONS` is set before main.py imports it for
  `Depends(get_db, max_concurrency=MAX_SESSIONS)`.
- anyio's thread limiter, which runs every `def` route and dependency, gets at least BENCH_POOL tokens (its
  default is 40), set in the server's event loop at startup.

GET /_bench/settings answers, from inside the running server, what it runs with, and the most connections that
were checked out of the pool at once since the last time it was asked: the proof that the tuning took effect.
"""

import importlib
import json
import os
import threading
from typing import Any

import anyio.to_thread
import sqlalchemy
from starlette.types import Receive, Scope, Send

from bench import TUNED_SETTINGS_PATH

POOL = int(os.environ["BENCH_POOL"])
stage_create_engine = sqlalchemy.create_engine


def create_engine(*args: Any, **kwargs: Any) -> sqlalchemy.Engine:
    kwargs["max_overflow"] = POOL - kwargs.get("pool_size", 5)
    return stage_create_engine(*args, **kwargs)


# database.py runs `from sqlalchemy import create_engine` when it is imported, and builds its engine then.
sqlalchemy.create_engine = create_engine
try:
    database: Any = importlib.import_module("database")  # the stage's: its folder is first on the path
finally:
    sqlalchemy.create_engine = stage_create_engine
STAGE_SESSIONS = database.MAX_SESSIONS
database.MAX_SESSIONS = POOL
stage_main: Any = importlib.import_module("main")


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
sqlalchemy.event.listen(database.engine, "checkout", checkouts.checkout)
sqlalchemy.event.listen(database.engine, "checkin", checkouts.checkin)


def settings() -> dict[str, Any]:
    pool = database.engine.pool
    return {
        "pool_size": pool.size(),
        "max_overflow": pool._max_overflow,
        "sessions": stage_main.MAX_SESSIONS,  # what main.py's Depends(max_concurrency=...) got
        "stage_sessions": STAGE_SESSIONS,
        "threads": anyio.to_thread.current_default_thread_limiter().total_tokens,
        "peak_connections": checkouts.peak(),
    }


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":  # the server's event loop, before any request
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, POOL)
    elif scope["type"] == "http" and scope["path"] == TUNED_SETTINGS_PATH:
        body = json.dumps(settings()).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await stage_main.app(scope, receive, send)
