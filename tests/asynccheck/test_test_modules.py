"""Rules in test modules (tests/, test_*.py, *_test.py, conftest.py). What a test suite does for its own
test database is not the app's work: it must not hold an app whose own code is converted at an early stage.
What the guide asks of the tests at a stage (expire_on_commit=False on the tests' factory at stage 02) is
still found there."""

import pytest

from asynccheck import check
from early_cases import READ_AFTER_COMMIT
from helpers import fires, silent, write_app

TEST_DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from app.database import Base

    test_engine = create_engine("sqlite:///./test.db")
    TestingSessionLocal = sessionmaker(bind=test_engine, autoflush=False{options})
    Base.metadata.create_all(bind=test_engine)
"""
COUNT_IN_A_TEST = """
    from fastapi.testclient import TestClient

    from app.models import User

    def test_count(client, db):
        client.post("/users", json={"name": "ada"})
        assert db.query(User).count() == 1
"""
QUERY_ON_ASYNC_SESSION = """
    from app.database import AsyncSessionLocal
    from app.models import User

    async def test_count():
        async with AsyncSessionLocal() as db:
            assert db.query(User).count() == 0
"""
APP_DATABASE = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    from sqlalchemy.orm import DeclarativeBase

    engine = create_async_engine("sqlite+aiosqlite:///./app.db")
    AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)

    class Base(DeclarativeBase):
        pass

    async def get_async_db():
        async with AsyncSessionLocal() as db:
            yield db
"""


def app_with(name: str, text: str, options: str = ", expire_on_commit=False") -> dict[str, str]:
    return {"app/__init__.py": "", "app/database.py": APP_DATABASE, name: text.replace("{options}", options)}


CASES = [
    silent("AC301", app_with("tests/test_users.py", TEST_DATABASE), "tests-folder"),
    silent("AC301", app_with("conftest.py", TEST_DATABASE), "conftest"),
    silent("AC301", app_with("test_users.py", TEST_DATABASE), "test-prefix"),
    silent("AC301", app_with("users_test.py", TEST_DATABASE), "test-suffix"),
    fires("AC301", app_with("app/seed.py", TEST_DATABASE), "app-module"),
    silent("AC501", app_with("tests/test_users.py", COUNT_IN_A_TEST), "sync-check-in-a-test"),
    fires("AC501", app_with("tests/test_users.py", QUERY_ON_ASYNC_SESSION), "async-session-in-a-test"),
    fires("AC501", app_with("app/users.py", COUNT_IN_A_TEST), "app-module"),
    # kept on purpose: the guide sets expire_on_commit=False on the tests' factory at stage 02 too
    fires(
        "AC203",
        {**app_with("tests/conftest.py", TEST_DATABASE, options=""), "tests/utils.py": READ_AFTER_COMMIT},
        "testing-session-local",
    ),
    silent("AC203", app_with("tests/conftest.py", TEST_DATABASE), "testing-session-local-set"),
]


@pytest.mark.parametrize(("code", "expected", "files"), CASES)
def test_rule(tmp_path, code, expected, files):
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    found = [finding.code for finding in report.findings]
    assert (code in found) == expected, report.findings


def test_a_converted_app_with_sync_tests_is_at_stage_07(tmp_path):
    """The user's case: the app's own code is converted, its tests still create their tables at import and
    check the database through a sync session. Only the stage-07 advice about the tests is left: every
    stage is complete, since TestClient and no blocking-call detector are advice, not errors."""
    files = {
        **app_with("tests/conftest.py", TEST_DATABASE),
        "tests/test_users.py": COUNT_IN_A_TEST,
        "requirements.txt": "fastapi\nsqlalchemy[asyncio]\naiosqlite\n",
    }
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    assert {finding.code for finding in report.findings} == {"AC702", "AC703"}
    assert {finding.severity for finding in report.findings} == {"advice"}
    assert (report.completed, report.next) == (["00", "01", "02", "03", "04", "05", "06", "07"], None)
