"""The corpus of issues 20 and 21: apps written for these tests in the shapes asynccheck met on real code,
each with its whole output as a snapshot (run from tests/asynccheck/apps on the app's folder).
Update them with `nox -s asynccheck -- --snapshot-update`.

    already_async      converted and finished: every stage complete, no error, no advice; an Alembic env.py
                       on the async template and a versions/ folder left alone
    routing_session    async_sessionmaker(sync_session_class=...) whose class overrides get_bind, a factory
                       bound later by configure(bind=...), greenlet pinned by uv.lock only
    py314_syntax       a module written for Python 3.14 (except A, B; a type alias) that defines the session
                       alias the routes use, and one that no Python before 3.15 parses
    blocking_helpers   async routes that block through the app's own helpers in other modules: hashing, SMTP,
                       Celery, Redis, requests, a sync session; inspect(engine) in a middleware
    generic_crud       a generic CRUDBase whose methods are async, called without await through its
                       instances (a route, a test factory, a start-up script), a script importing the removed
                       SessionLocal, Alembic's env.py still on a sync engine
    fullstack_sync     the sync full-stack generator shape before the migration: crud base on db.query(),
                       start-up scripts, Celery, TestClient tests with factories
    sqlmodel_app       SQLModel on async_sessionmaker without SQLModel's AsyncSession class
"""

import sys

import pytest

from helpers import APPS, TextSnapshot


@pytest.fixture
def text_snapshot(snapshot):
    return snapshot.use_extension(TextSnapshot)


def output(run, app: str):
    """The exit code, and stdout then stderr, with the running Python's version as X.Y."""
    result = run(app, cwd=APPS)
    errors = "".join(f"stderr: {line}\n" for line in result.err.splitlines())
    version = f"({sys.version_info.major}.{sys.version_info.minor})"
    return result.code, (result.out + errors).replace(version, "(X.Y)")


def test_already_async(run, text_snapshot):
    code, text = output(run, "already_async")
    assert code == 0
    assert text.splitlines()[0] == "completed: 00 01 02 03 04 05 06 07: every stage is complete"
    assert text == text_snapshot


def test_routing_session(run, text_snapshot):
    code, text = output(run, "routing_session")
    assert code == 1  # one piece of advice
    assert "AC204" not in text and "AC102" not in text
    assert "completed: 00 01 02 03 04 05 06 07: every stage is complete; advice for: 02" in text
    assert text == text_snapshot


def test_py314_syntax(run, text_snapshot):
    code, text = output(run, "py314_syntax")
    assert code == 2  # notes/report.py could be checked only in part
    assert "THE VERDICT IS INCOMPLETE" in text
    assert text.count("AC502") == 2  # the routes on SessionDep, defined in the 3.14 module
    assert text == text_snapshot


def test_blocking_helpers(run, text_snapshot):
    code, text = output(run, "blocking_helpers")
    assert code == 1
    assert text.count(": AC507 ") == 8
    assert "execution_options" not in text  # configures the engine, does no I/O
    assert "check_password" not in text  # called through run_in_threadpool
    assert text == text_snapshot


def test_generic_crud(run, text_snapshot):
    code, text = output(run, "generic_crud")
    assert code == 1
    assert "app/api/items.py:11:12: AC508 `crud.item.create_with_owner(...)` is not awaited" in text
    assert "versions" not in text
    assert text == text_snapshot


def test_fullstack_sync(run, text_snapshot):
    code, text = output(run, "fullstack_sync")
    assert code == 1
    assert "completed: 00; next: 01" in text
    assert text == text_snapshot


def test_sqlmodel_app(run, text_snapshot):
    code, text = output(run, "sqlmodel_app")
    assert code == 1
    assert 'sa_relationship_kwargs={"lazy": "raise"}' in text
    assert text == text_snapshot
