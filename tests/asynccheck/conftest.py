"""Fixtures for asynccheck's tests: run the command in process, write small apps to check."""

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from asynccheck.cli import main

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
ROOT = HERE.parents[1]

# The test apps are code to check, not tests to run.
collect_ignore = ["apps"]


class TextSnapshot(SingleFileSnapshotExtension):
    file_extension = "txt"
    _write_mode = WriteMode.TEXT


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys, monkeypatch):
    """Run `asynccheck ARGS...` in process, from cwd."""

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse
            code = exit.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def write_app(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: source} under root; the sources may be indented."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def fires(code: str, files: dict[str, str], id: str):
    """A rule case: checking files finds code."""
    return pytest.param(code, True, files, id=f"{code}-fires-{id}")


def silent(code: str, files: dict[str, str], id: str):
    """A rule case: checking files does not find code."""
    return pytest.param(code, False, files, id=f"{code}-silent-{id}")
