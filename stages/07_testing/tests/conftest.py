"""Fixtures for the blog's own tests.

The tests call the app in process through httpx's AsyncClient over ASGITransport, with the app's lifespan
run by asgi-lifespan and the app's database dependency replaced by sessions on a test database:
a throwaway SQLite file by default, or the PostgreSQL database that DATABASE_URL names.
Every test runs with blockbuster watching the event loop: a blocking call in an async route fails it.
"""

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from blockbuster import BlockBuster, BlockBusterFunction, blockbuster_ctx
from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# database.py reads DATABASE_URL when it is imported, and the lifespan creates the tables through the
# engine it builds. Point it at the test database before importing the app, so no test touches ./blog.db.
WORKDIR = tempfile.TemporaryDirectory(prefix="blog-tests-")
if make_url(os.environ.get("DATABASE_URL", "sqlite://")).get_backend_name() != "postgresql":
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(WORKDIR.name) / 'test.db'}"

from database import ASYNC_DATABASE_URL, Base, enforce_foreign_keys, get_async_db  # noqa: E402
from main import app  # noqa: E402


def pytest_report_header() -> str:
    return f"database: {make_url(os.environ['DATABASE_URL']).render_as_string(hide_password=True)}"


def pytest_unconfigure() -> None:
    WORKDIR.cleanup()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    # Session scope: the engine below is created once and used from the same event loop by every test.
    return "asyncio"


# Blocking calls that are fine in the event loop, each allowed inside the named library functions only.
# Anything else that blocks (time.sleep, a sync database driver, file I/O in a route) fails the test.
CAN_BLOCK = [
    # Jinja2 reads a template file the first time a page uses it, then checks its mtime on each render.
    ("jinja2/loaders.py", {"get_source", "uptodate"}, ["os.stat", "io.TextIOWrapper.read"]),
    # asyncpg looks for ~/.pgpass and ~/.postgresql/ client certificates each time it connects.
    ("asyncpg/connect_utils.py", {"_parse_connect_dsn_and_args"}, ["os.stat", "os.path.abspath"]),
    # Python reads /etc/mime.types once, the first time Starlette serves a static file.
    ("mimetypes.py", {"init"}, ["os.stat"]),
    # Pydantic reads email-validator's version once, the first time FastAPI builds the OpenAPI schema.
    ("pydantic/networks.py", {"import_email_validator"}, ["os.stat", "io.TextIOWrapper.read"]),
]

# blockbuster sees sqlite3's blocking calls, but psycopg's I/O happens in libpq's C code, out of its sight.
# Watching the sync PostgreSQL driver's own methods makes a sync query in an async route fail there too.
SYNC_POSTGRESQL_CALLS = [
    "psycopg.Cursor.execute",
    "psycopg.Cursor.executemany",
    "psycopg.Connection.commit",
    "psycopg.Connection.rollback",
]


@pytest.fixture(autouse=True)
def blockbuster() -> Iterator[BlockBuster]:
    """Fail the test when anything blocks the event loop."""
    with blockbuster_ctx() as bb:
        for name in SYNC_POSTGRESQL_CALLS:
            bb.functions[name] = BlockBusterFunction(None, name).activate()
        for filename, functions, calls in CAN_BLOCK:
            for call in calls:
                bb.functions[call].can_block_in(filename, functions)
        yield bb


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    """The test database, with this app's tables created from scratch."""
    engine = create_async_engine(ASYNC_DATABASE_URL)
    if engine.dialect.name == "sqlite":  # as database.py does: deleting a user cascades to their posts
        event.listen(engine.sync_engine, "connect", enforce_foreign_keys)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # The same settings as the app's own sessionmaker in database.py.
    return async_sessionmaker(engine, autoflush=False, expire_on_commit=False)


@pytest.fixture
async def empty_database(engine: AsyncEngine) -> None:
    """Every test starts on empty tables, whatever the test before it left behind."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(table.delete())


@pytest.fixture
async def db(
    session_factory: async_sessionmaker[AsyncSession], empty_database: None
) -> AsyncIterator[AsyncSession]:
    """A session on the test database, to check what the API really stored."""
    async with session_factory() as session:
        yield session


@pytest.fixture
async def client(
    session_factory: async_sessionmaker[AsyncSession], empty_database: None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, in process: the lifespan runs, routes get test-database sessions."""

    async def get_test_db() -> AsyncIterator[AsyncSession]:
        async with session_factory() as session:
            yield session

    app.dependency_overrides[get_async_db] = get_test_db
    try:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
                yield client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def create_user(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict]]:
    """Create a user through the API and return its JSON."""

    async def create_user(username: str = "alice", email: str | None = None) -> dict:
        body = {"username": username, "email": email or f"{username}@example.com"}
        response = await client.post("/api/users", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return create_user


@pytest.fixture
def create_post(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict]]:
    """Create a post through the API and return its JSON."""

    async def create_post(user: dict, title: str = "Hello", content: str = "First words.") -> dict:
        body = {"title": title, "content": content, "user_id": user["id"]}
        response = await client.post("/api/posts", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return create_post
