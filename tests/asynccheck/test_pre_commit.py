"""The pre-commit hook (.pre-commit-hooks.yaml), run as a user's repository would run it: `pre-commit
try-repo` on this repository, in a new git repository holding a small app. pre-commit installs asynccheck
into a virtualenv of its own (half a minute), so both apps are checked in one test."""

import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, write_app

BLOCKING = {
    "requirements.txt": "sqlalchemy[asyncio]\naiosqlite\n",
    "app/main.py": "import time\n\nasync def slow():\n    time.sleep(1)\n",
    "tests/conftest.py": "import blockbuster\n",
}
FIXED = {**BLOCKING, "app/main.py": "import asyncio\n\nasync def slow():\n    await asyncio.sleep(1)\n"}


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=asynccheck tests", "-c", "user.email=tests@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "asynccheck", "--all-files"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_the_hook_fails_on_a_finding_and_passes_once_it_is_fixed(tmp_path):
    repo = write_app(tmp_path / "repo", BLOCKING)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "an app")

    failed = try_repo(repo, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "asynccheck" in failed.stdout and "Failed" in failed.stdout
    assert "app/main.py:4:5: AC507 `time.sleep()` blocks the event loop" in failed.stdout

    write_app(repo, FIXED)
    git(repo, "commit", "-qam", "await asyncio.sleep")
    passed = try_repo(repo, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
