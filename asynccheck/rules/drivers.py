"""Stage 01: the async driver and greenlet (sqlalchemy[asyncio]) in the requirements the checker finds.

psycopg (version 3) counts as an async driver for PostgreSQL: SQLAlchemy's postgresql+psycopg dialect works
with create_async_engine. psycopg2 does not. For SQLite only aiosqlite will do.
"""

from collections.abc import Iterator

from asynccheck.files import Found
from asynccheck.index import Index
from asynccheck.report import Finding
from asynccheck.requirements import Requirement, brings_greenlet

DRIVERS = {"sqlite": ("aiosqlite",), "postgresql": ("asyncpg", "psycopg"), "mysql": ("aiomysql", "asyncmy")}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL"}
# sqlalchemy[...] extras that install greenlet, and the driver some of them bring along.
GREENLET_EXTRAS = {"asyncio", "aiosqlite", "postgresql-asyncpg", "asyncmy", "aiomysql", "aioodbc"}
DRIVER_EXTRAS = {
    "aiosqlite": "aiosqlite",
    "postgresql-asyncpg": "asyncpg",
    "asyncmy": "asyncmy",
    "aiomysql": "aiomysql",
}
ORDER = ("requirements.txt", "pyproject.toml", "setup.cfg")


def check(index: Index, found: Found, requirements: list[Requirement]) -> Iterator[Finding]:
    if not found.requirements:
        where = " or ".join(found.roots)
        yield Finding(
            found.roots[0], 1, 1, "AC103",
            f"no requirements*.txt, pyproject.toml or setup.cfg under {where}: cannot tell whether an async "
            "driver (aiosqlite, asyncpg) and greenlet (sqlalchemy[asyncio]) are installed",
        )  # fmt: skip
        return
    main = min((shown for _, shown in found.requirements), key=_precedence)
    installed = {requirement.name for requirement in requirements}
    sqlalchemy = [requirement for requirement in requirements if requirement.name == "sqlalchemy"]
    for requirement in sqlalchemy:
        installed |= {DRIVER_EXTRAS[extra] for extra in requirement.extras if extra in DRIVER_EXTRAS}
    missing = _missing_drivers(index.backends, installed)
    if missing:
        yield Finding(main, 1, 1, "AC101", missing)
    if (
        "greenlet" not in installed
        and not any(r.extras & GREENLET_EXTRAS for r in sqlalchemy)
        and not any(brings_greenlet(r) for r in sqlalchemy)
    ):
        declared = sqlalchemy[0] if sqlalchemy else None
        allows = "this requirement allows" if declared else "an indirect requirement gets"
        message = (
            f"sqlalchemy without the asyncio extra: from SQLAlchemy 2.1 on, which {allows}, greenlet (which "
            "its asyncio layer needs) is no longer installed with it; require sqlalchemy[asyncio]"
        )
        yield Finding(
            declared.path if declared else main, declared.line if declared else 1, 1, "AC102", message
        )


def _precedence(shown: str) -> tuple[int, int, str]:
    """The file a project-level finding points at: the shallowest, requirements.txt first."""
    name = shown.rpartition("/")[2]
    return (shown.count("/"), ORDER.index(name) if name in ORDER else len(ORDER), shown)


def _missing_drivers(backends: set[str], installed: set[str]) -> str | None:
    if not backends:
        if installed & {driver for drivers in DRIVERS.values() for driver in drivers}:
            return None
        return (
            "no async database driver in the requirements, and the source names no database URL, so the "
            "checker cannot tell which one: aiosqlite for SQLite, asyncpg for PostgreSQL"
        )
    needed = [backend for backend in sorted(backends) if not installed & set(DRIVERS[backend])]
    if not needed:
        return None
    wanted = "; ".join(f"{' or '.join(DRIVERS[backend])} for {NAMES[backend]}" for backend in needed)
    return f"no async driver for the database URLs in the source: add {wanted}"
