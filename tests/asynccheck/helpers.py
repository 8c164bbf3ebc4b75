"""What asynccheck's test modules share: where things are, small apps written to a folder, the command's
result, and the snapshot extension. The rule cases themselves are data in cases.py.

A plain module, not a conftest: the test modules import it as `helpers`. There is no __init__.py here, so
pytest (import mode `prepend`) puts this folder on sys.path before it imports a test module or conftest.py.
"""

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
ROOT = HERE.parents[1]
# An app at stage 00 with a requirements file and a test suite: only the drivers and the session are left.
UNTOUCHED = {
    "requirements.txt": "sqlalchemy[asyncio]\naiosqlite\n",
    "db.py": "from sqlalchemy import create_engine\nengine = create_engine('sqlite:///./app.db')\n",
    "tests/conftest.py": "import blockbuster\n",
}


class TextSnapshot(SingleFileSnapshotExtension):
    file_extension = "txt"
    _write_mode = WriteMode.TEXT


@dataclass
class Result:
    code: int | str | None  # what main() returns, or the code of the SystemExit that argparse raises
    out: str
    err: str


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
