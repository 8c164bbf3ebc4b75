"""Fixtures for asynccheck's tests: run the command in process. What the test modules share besides
fixtures is in helpers.py."""

from pathlib import Path

import pytest

from asynccheck.cli import main
from helpers import Result

# The test apps are code to check, not tests to run.
collect_ignore = ["apps"]


@pytest.fixture
def run(capsys, monkeypatch):
    """Run `asynccheck ARGS...` in process, from cwd."""

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code: int | str | None = main(list(args))
        except SystemExit as exit:  # argparse
            code = exit.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
