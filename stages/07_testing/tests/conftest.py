"""Fixtures for testing an async FastAPI + SQLAlchemy app: copy this file whole to your tests/conftest.py.

It needs three names from your app (change the two imports below if yours differ): the FastAPI `app`, the
declarative `Base` and the app's `async_sessionmaker` (`AsyncSessionLocal`); and an app that reads its
database URL from DATABASE_URL when it is imported. It also needs these packages: pytest, anyio, httpx,
asgi-lifespan, blockbuster (with forbiddenfruit), and `anyio_mode = "auto"` in your pytest settings, so that
every `async def` test runs on the event loop.

Tests get three fixtures: `client` (an httpx.AsyncClient on the app, in process, with its lifespan run),
`db` (a session on the same test database, to set up rows and to check what a request stored) and
`blockbuster` (on for every test: a call that blocks the event loop fails the test).
"""

import importlib.util
import os
import tempfile
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from blockbuster import BlockBuster, BlockBusterFunction, blockbuster_ctx
from sqlalchemy.ext.asyncio import AsyncSession

# A SQLite file in a new temporary folder unless TEST_DATABASE_URL names another database (its tables are
# dropped and re-created), such as postgresql+asyncpg://user@localhost/app_test.
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='app-tests-')}/test.db"
)
# The one way the app is pointed at the test database, set before the app is imported: the app builds its
# engine from DATABASE_URL, so its routes, its lifespan and the fixtures below all use the test database,
# through the app's own engine with its own settings (and listeners, such as SQLite's foreign keys).
os.environ["DATABASE_URL"] = TEST_DATABASE_URL

from database import AsyncSessionLocal, Base  # noqa: E402
from main import app  # noqa: E402

engine = AsyncSessionLocal.kw["bind"]  # the app's engine: the one its sessions use

# Blocking calls that are harmless in the event loop, each allowed inside the named library function only.
# Anything else that blocks (time.sleep, a sync database driver, file I/O in a route) fails the test. Each
# entry was added after a test failed on that call and the call was looked at: add yours the same way.
CAN_BLOCK = [
    # asyncpg looks for ~/.pgpass and ~/.postgresql/ client certificates each time it connects.
    ("asyncpg/connect_utils.py", {"_parse_connect_dsn_and_args"}, ["os.stat", "os.path.abspath"]),
    # Jinja2 reads a template file the first time a page uses it, then checks its mtime on each render.
    ("jinja2/loaders.py", {"get_source", "uptodate"}, ["os.stat", "io.TextIOWrapper.read"]),
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
        if importlib.util.find_spec("psycopg"):  # still installed, from the sync app
            for name in SYNC_POSTGRESQL_CALLS:
                bb.functions[name] = BlockBusterFunction(None, name).activate()
        for filename, functions, calls in CAN_BLOCK:
            for call in calls:
                bb.functions[call].can_block_in(filename, functions)
        yield bb


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    # Session scope, like the tables below: every test and fixture runs on one event loop.
    return "asyncio"


@pytest.fixture(scope="session")
async def tables() -> AsyncIterator[None]:
    """The app's tables, created from scratch once per run; the engine's connections closed at the end."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


@pytest.fixture
async def empty_tables(tables: None) -> AsyncIterator[None]:
    """After each test every table is emptied: tests never share rows."""
    yield
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete())


@pytest.fixture
async def db(empty_tables: None) -> AsyncIterator[AsyncSession]:
    async with AsyncSessionLocal() as session:
        yield session


@pytest.fixture
async def client(empty_tables: None) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client
