"""Stage 05: Alembic's env.py runs migrations the way the app reaches the database. Once the app is async
(an async engine, and no sync one left outside env.py and the tests), a sync engine in env.py needs a sync
driver; when the requirements name none for the app's server database (stage 05 removed it), `alembic
upgrade head` fails with ModuleNotFoundError (psycopg) or, on the app's async URL, with MissingGreenlet."""

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
# The sync drivers a sync engine in env.py can still use (SQLite's is in the standard library).
SYNC_DRIVERS = {
    "postgresql": {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "pg8000"},
    "mysql": {"pymysql", "mysqlclient", "mysql-connector-python"},
}


def _has_sync_driver(backend: str, declared: set[str]) -> bool:
    """A sync driver among the packages, builds of psycopg included (aws-psycopg2, psycopg2-binary)."""
    drivers = SYNC_DRIVERS.get(backend, set())
    return any(name in drivers or (backend == "postgresql" and "psycopg" in name) for name in declared)


def check(module: Module, index: Index) -> Iterator[Finding]:
    facts = index.modules.get(module.name)
    if facts is None or not facts.alembic_env or not index.async_engine or index.sync_engine_outside:
        return
    servers = index.backends - {"sqlite"}
    if not index.backends or any(_has_sync_driver(backend, index.declared) for backend in servers):
        return  # SQLite, or a sync driver is still installed: the sync engine works
    if not servers:
        return
    for call in module.calls_named(*SYNC_MAKERS):
        callee = module.callee(call) or ""
        if callee.startswith("sqlalchemy.") or callee.startswith("sqlmodel."):
            yield module.finding(call.node, "AC510", SYNC_ENV.format(call=f"{callee.rpartition('.')[2]}()"))
