"""The behaviour suite every version of examples/fullstack must pass: the same tests, through HTTP only.

    FULLSTACK_APP=examples/fullstack/async DATABASE_URL=... pytest tests/fullstack    (or nox -s fullstack)

FULLSTACK_APP names the version's folder, relative to the repository or absolute (its `app` package is
imported from there); DATABASE_URL a
PostgreSQL database, or nothing for a new SQLite file. The database is emptied first, then made the way a
deployment makes it, by the version's own commands: the pre-start check, `alembic upgrade head` and the
initial-data script. With FULLSTACK_BLOCKBUSTER=1 the app runs with blockbuster watching its event loop
(TestClient runs that loop in a thread of its own), pwdlib's hashing included.
"""

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / os.environ.get("FULLSTACK_APP", "examples/fullstack/async")
WORKDIR = tempfile.TemporaryDirectory(prefix="fullstack-behaviour-")
if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(WORKDIR.name) / 'app.db'}"
sys.path.insert(0, str(APP_DIR))

from aiosmtpd.controller import Controller  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app.core.config import settings  # noqa: E402
from app.db.session import engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402

API = settings.API_V1_STR


def pytest_report_header() -> list[str]:
    return [f"fullstack app: {APP_DIR}", f"database: {engine.url.render_as_string()}"]


def pytest_unconfigure() -> None:
    WORKDIR.cleanup()


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A command of the version's, from its folder, with this run's environment (DATABASE_URL)."""
    result = subprocess.run(command, cwd=APP_DIR, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def alembic(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "alembic", *args, check=check)


def script(module: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", module, check=check)


def drop_everything() -> None:
    """Whatever an earlier run left (tables made by create_all, an alembic_version row) goes."""

    def drop(connection) -> None:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

    async def drop_async(async_engine) -> None:
        async with async_engine.begin() as connection:
            await connection.run_sync(drop)
        await async_engine.dispose()

    if hasattr(engine, "sync_engine"):  # an AsyncEngine (the sync version has no sqlalchemy.ext.asyncio)
        asyncio.run(drop_async(engine))
    else:
        with engine.begin() as connection:
            drop(connection)
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def deployed_database() -> None:
    """A fresh database, made by the version's own start-up commands."""
    drop_everything()
    script("app.backend_pre_start")
    alembic("upgrade", "head")
    script("app.initial_data")


# Calls that may block inside the app's event loop, each only inside the named library functions.
CAN_BLOCK = [
    ("asyncpg/connect_utils.py", {"_parse_connect_dsn_and_args"}, ["os.stat", "os.path.abspath"]),
    ("pydantic/networks.py", {"import_email_validator"}, ["os.stat", "io.TextIOWrapper.read"]),
]
CPU_HEAVY_CALLS = ["pwdlib.PasswordHash.hash", "pwdlib.PasswordHash.verify"]


@pytest.fixture(scope="session", autouse=True)
def blockbuster() -> Iterator[None]:
    if os.environ.get("FULLSTACK_BLOCKBUSTER") != "1":
        yield
        return
    from blockbuster import BlockBusterFunction, blockbuster_ctx

    with blockbuster_ctx() as bb:
        for name in CPU_HEAVY_CALLS:
            bb.functions[name] = BlockBusterFunction(None, name).activate()
        for filename, functions, calls in CAN_BLOCK:
            for call in calls:
                bb.functions[call].can_block_in(filename, functions)
        yield


@pytest.fixture(scope="module")
def client(deployed_database: None) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def login(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post(f"{API}/login/access-token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def superuser_headers(client: TestClient) -> dict[str, str]:
    return login(client, settings.FIRST_SUPERUSER, settings.FIRST_SUPERUSER_PASSWORD)


class Mailbox:
    """What the SMTP server received: (recipients, message) pairs."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1: aiosmtpd, on an event loop in a thread of its own."""
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
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", smtp_server.port)
    smtp_server.messages.clear()
    return smtp_server
