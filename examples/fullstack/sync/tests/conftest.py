"""Fixtures in the project generator's style: TestClient on the app, the app's own engine and crud.

The database is a throwaway SQLite file unless DATABASE_URL names a PostgreSQL database (its tables are
dropped and created again). Data isolation is per test module, not per test: each module starts on empty
tables plus the first superuser, so module-scoped token fixtures stay valid for every test of the module.
Tests make their own rows with random emails, so they never depend on what another test of the module made.
"""

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

WORKDIR = tempfile.TemporaryDirectory(prefix="fullstack-sync-tests-")
if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(WORKDIR.name) / 'test.db'}"

from aiosmtpd.controller import Controller  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.core.config import settings  # noqa: E402
from app.db.init_db import init_db  # noqa: E402
from app.db.session import SessionLocal, engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402
from tests.utils.user import EMAIL_TEST_USER, authentication_token_from_email  # noqa: E402
from tests.utils.utils import get_superuser_token_headers  # noqa: E402


def pytest_unconfigure() -> None:
    WORKDIR.cleanup()


@pytest.fixture(scope="session", autouse=True)
def tables() -> Iterator[None]:
    """The app's tables, created from the models (tests/fullstack runs the Alembic migrations instead)."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield
    engine.dispose()


@pytest.fixture(scope="module", autouse=True)
def module_data(tables: None) -> None:
    """Empty tables and the first superuser, once per test module (before its module-scoped fixtures)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    with SessionLocal() as db:
        init_db(db)


@pytest.fixture
def db() -> Iterator[Session]:
    """A session of the test's own, for the factories and for checking what a request stored."""
    with SessionLocal() as session:
        yield session


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def superuser_token_headers(client: TestClient) -> dict[str, str]:
    return get_superuser_token_headers(client)


@pytest.fixture(scope="module")
def normal_user_token_headers(client: TestClient) -> dict[str, str]:
    with SessionLocal() as db:
        return authentication_token_from_email(client=client, email=EMAIL_TEST_USER, db=db)


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
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of its own) that the app sends to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
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
