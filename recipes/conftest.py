"""Fixtures for testing an async FastAPI + SQLAlchemy app: copy this file whole to your tests/conftest.py.

It needs three names from your app (change the two imports below if yours differ): the FastAPI `app`, the
declarative `Base` and the dependency that yields an `AsyncSession` (`get_async_db`). It also needs these
packages: pytest, anyio, httpx, asgi-lifespan, blockbuster (with forbiddenfruit), and `anyio_mode = "auto"` in
your pytest settings, so that every `async def` test runs on the event loop.

Tests get three fixtures: `client` (an httpx.AsyncClient on the app, in process, with its lifespan run),
`db` (a session on the same test database, to set up rows and to check what a request stored) and
`blockbuster` (on for every test: a call that blocks the event loop fails the test).
"""

import os
import tempfile
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from blockbuster import BlockBuster, blockbuster_ctx
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

# A SQLite file in a new temporary folder unless TEST_DATABASE_URL names another database (its tables are
# dropped and re-created), such as postgresql+asyncpg://user@localhost/app_test. Not in-memory SQLite by
# default: your app's engine would get a StaticPool for it, which refuses pool_timeout and the like.
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='app-tests-')}/test.db"
)
# Set before the app is imported: an app that builds its engine from DATABASE_URL at import time (and
# creates its tables there in its lifespan) must not reach your real database.
os.environ["DATABASE_URL"] = TEST_DATABASE_URL

from database import Base, get_async_db  # noqa: E402
from main import app  # noqa: E402


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    # Session scope, like the engine below: every test and fixture runs on one event loop.
    return "asyncio"


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    """The test database, with the app's tables created from scratch once per run."""
    url = make_url(TEST_DATABASE_URL)
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    # An in-memory SQLite database lives only in its connection: StaticPool hands that one connection to
    # every session. (SQLAlchemy picks it for this URL anyway; saying so keeps it if the URL changes form.)
    engine = create_async_engine(url, poolclass=StaticPool) if in_memory else create_async_engine(url)
    # If your app's engine has a "connect" listener (SQLite's PRAGMA foreign_keys, for one), add it here too.
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session_factory(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the test database. After each test every table is emptied: tests never share rows."""
    # The settings of your app's own async_sessionmaker.
    yield async_sessionmaker(engine, autoflush=False, expire_on_commit=False)
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete())


@pytest.fixture
async def db(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture
async def client(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[httpx.AsyncClient]:
    async def get_test_db() -> AsyncIterator[AsyncSession]:
        async with session_factory() as session:
            yield session

    app.dependency_overrides[get_async_db] = get_test_db
    try:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture(autouse=True)
def blockbuster() -> Iterator[BlockBuster]:
    with blockbuster_ctx() as bb:
        # Allow a blocking call only where you have looked at it, and only inside the function that makes it.
        # asyncpg checks for ~/.pgpass and client certificates each time it connects: harmless.
        for call in ("os.stat", "os.path.abspath"):
            bb.functions[call].can_block_in("asyncpg/connect_utils.py", "_parse_connect_dsn_and_args")
        yield bb
