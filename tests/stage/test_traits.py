"""What each step of the migration changes beyond the responses, as the manifest declares it."""

import importlib
import os
import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session


def run_python(code: str, cwd, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize("module", ["aiosqlite", "asyncpg"])
def test_async_drivers_arrive_with_the_drivers_step(stage, module):
    result = run_python(f"import {module}", stage.path)
    if stage.async_driver:
        assert result.returncode == 0, result.stderr
    else:
        assert f"No module named '{module}'" in result.stderr


def test_sqlalchemy_asyncio_needs_greenlet_from_the_asyncio_extra(stage):
    result = run_python("import sqlalchemy.ext.asyncio", stage.path)
    if stage.async_driver:
        assert result.returncode == 0, result.stderr
    else:
        assert "requires that the Python 'greenlet' library is installed" in result.stderr


def test_importing_main_creates_tables_only_before_the_lifespan_step(stage, tmp_path):
    db = tmp_path / "import.db"
    result = run_python("import main", stage.path, DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    tables = set()
    if db.exists():
        with sqlite3.connect(db) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert (tables == {"users", "posts"}) is stage.tables_on_import, tables


@pytest.mark.anyio
async def test_unloaded_relationship_raises_once_lazy_raise_is_on(stage, blog, harness_engine):
    user = await blog.user("ada")
    post = await blog.post(user, "Hello")
    models = importlib.import_module("models")
    with Session(harness_engine) as session:
        loaded = session.scalars(sa.select(models.Post).where(models.Post.id == post["id"])).one()
        if stage.lazy_raise:
            with pytest.raises(InvalidRequestError, match="lazy='raise'"):
                _ = loaded.author
        else:
            assert loaded.author.username == "ada"
