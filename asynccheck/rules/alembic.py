"""Stage 05: Alembic's env.py runs migrations the way the app reaches the database. Once the app is async
(an async engine, and no sync one left outside env.py and the tests), a sync engine in env.py needs the sync
driver that stage 05 removed: `alembic upgrade head` fails with ModuleNotFoundError (psycopg) or, on the
app's async URL, with MissingGreenlet."""

from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.report import Finding
from asynccheck.source import Module

SYNC_ENV = (
    "`{call}` builds a sync engine in Alembic's env.py, and the app is async: migrations then need the sync "
    "driver stage 05 removed; use the async template: `async_engine_from_config(...)`, then "
    "`async with connectable.connect() as connection: await connection.run_sync(do_run_migrations)` "
    "under `asyncio.run(...)`"
)
SYNC_MAKERS = {"engine_from_config", "create_engine"}


def check(module: Module, index: Index) -> Iterator[Finding]:
    facts = index.modules.get(module.name)
    if facts is None or not facts.alembic_env or not index.async_engine or index.sync_engine_outside:
        return
    for call in module.calls_named(*SYNC_MAKERS):
        callee = module.callee(call) or ""
        if callee.startswith("sqlalchemy.") or callee.startswith("sqlmodel."):
            yield module.finding(call.node, "AC510", SYNC_ENV.format(call=f"{callee.rpartition('.')[2]}()"))
