"""Fixtures in the project generator's style, async: an httpx.AsyncClient on the app (lifespan run by
asgi-lifespan), the app's own engine and crud, factories in tests/utils, module-scoped tokens.

The database is a throwaway SQLite file unless DATABASE_URL names a PostgreSQL database (its tables are
dropped and created again). Data isolation is per test module, not per test: each module starts on empty
tables plus the first superuser, so module-scoped token fixtures stay valid for every test of the module.
Every test runs with blockbuster watching the event loop, password hashing included.
"""

import os
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

WORKDIR = tempfile.TemporaryDirectory(prefix="fullstack-async-tests-")
if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(WORKDIR.name) / 'test.db'}"

import httpx  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from blockbuster import BlockBuster, BlockBusterFunction, blockbuster_ctx  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from app.core.config import settings  # noqa: E402
from app.db.init_db import init_db  # noqa: E402
from app.db.session import AsyncSessionLocal, engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402
from tests.utils.user import EMAIL_TEST_USER, authentication_token_from_email  # noqa: E402
from tests.utils.utils import get_superuser_token_headers  # noqa: E402


def pytest_unconfigure() -> None:
    WORKDIR.cleanup()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    # Session scope: the app's engine is used from one event loop by every test and fixture.
    return "asyncio"


# Blocking calls that are fine in the event loop, each allowed inside the named library functions only.
CAN_BLOCK = [
    # asyncpg looks for ~/.pgpass and ~/.postgresql/ client certificates each time it connects.
    ("asyncpg/connect_utils.py", {"_parse_connect_dsn_and_args"}, ["os.stat", "os.path.abspath"]),
    # Pydantic reads email-validator's version once, the first time it validates an EmailStr.
    ("pydantic/networks.py", {"import_email_validator"}, ["os.stat", "io.TextIOWrapper.read"]),
]
# Hashing is CPU work, not I/O, so blockbuster does not see it by itself: watch pwdlib's methods, so that a
# password hashed or checked on the event loop fails the test.
CPU_HEAVY_CALLS = ["pwdlib.PasswordHash.hash", "pwdlib.PasswordHash.verify"]


@pytest.fixture(autouse=True)
def blockbuster() -> Iterator[BlockBuster]:
    """Fail the test when anything blocks the event loop."""
    with blockbuster_ctx() as bb:
        for name in CPU_HEAVY_CALLS:
            bb.functions[name] = BlockBusterFunction(None, name).activate()
        for filename, functions, calls in CAN_BLOCK:
            for call in calls:
                bb.functions[call].can_block_in(filename, functions)
        yield bb


@pytest.fixture(scope="session", autouse=True)
async def tables() -> AsyncIterator[None]:
    """The app's tables, created from the models (tests/fullstack runs the Alembic migrations instead)."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


@pytest.fixture(scope="module", autouse=True)
async def module_data(tables: None) -> None:
    """Empty tables and the first superuser, once per test module (before its module-scoped fixtures)."""
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    async with AsyncSessionLocal() as db:
        await init_db(db)


@pytest.fixture
async def db() -> AsyncIterator[AsyncSession]:
    """A session of the test's own, for the factories and for checking what a request stored."""
    async with AsyncSessionLocal() as session:
        yield session


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


@pytest.fixture(scope="module")
async def superuser_token_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return await get_superuser_token_headers(client)


@pytest.fixture(scope="module")
async def normal_user_token_headers(client: httpx.AsyncClient) -> dict[str, str]:
    async with AsyncSessionLocal() as db:
        return await authentication_token_from_email(client=client, email=EMAIL_TEST_USER, db=db)


class Mailbox:
    """Collects what the SMTP server receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, on an event loop in a thread of its own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """Emails on, sent to the test SMTP server; empty at the start of the test."""
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", smtp_server.port)
    smtp_server.messages.clear()
    return smtp_server
