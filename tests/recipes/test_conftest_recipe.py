"""The complete conftest, copied whole next to a small async app, runs that app's tests as the guide says.

The guide's conftest is the last stage's own tests/conftest.py: one file, which the stage's suite runs on the
blog and this test runs on another app.

The copy lands in a temporary directory with tests/recipes/small_app, and pytest runs there in a process of
its own, as it would in a reader's project: on in-memory SQLite, or on PostgreSQL when DATABASE_URL names it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tools import stages

# The conftest of the last stage that has its own tests (the manifest's own_tests).
RECIPE = next(stage for stage in reversed(stages.load()) if stage.own_tests).path / "tests" / "conftest.py"
SMALL_APP = Path(__file__).resolve().parent / "small_app"

BLOCKING_TEST = """
import time


async def test_sleeps_on_the_event_loop(client):
    time.sleep(0.01)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The small app with the recipe as its tests/conftest.py, exactly as a reader would copy it."""
    shutil.copytree(SMALL_APP, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(RECIPE, tmp_path / "tests" / "conftest.py")
    return tmp_path


def run_pytest(project: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    url = make_url(os.environ.get("DATABASE_URL", "sqlite://"))
    if url.get_backend_name() == "postgresql":
        env["TEST_DATABASE_URL"] = url.set(drivername="postgresql+asyncpg").render_as_string(False)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)


def test_the_copied_conftest_runs_the_apps_tests(project):
    result = run_pytest(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    # The app's own engine was pointed at the test database: no ./app.db appeared next to it.
    assert not (project / "app.db").exists()


def test_a_blocking_call_in_a_test_fails_it(project):
    (project / "tests" / "test_blocking.py").write_text(BLOCKING_TEST, encoding="utf-8")

    result = run_pytest(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BlockingError: Blocking call to time.sleep" in result.stdout
    assert "1 failed, 4 passed" in result.stdout
