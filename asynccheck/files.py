"""Finding the files to check under the paths given on the command line.

Every path is printed relative to the PATH argument as it was given, with `/` separators, so that the
output does not depend on where the checker runs.
"""

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from asynccheck.report import FileError

REQUIREMENTS = ("requirements*.txt", "pyproject.toml", "setup.cfg", "uv.lock", "poetry.lock", "pdm.lock")
SKIP_DIRS = {"__pycache__", "node_modules", "site-packages"}


@dataclass(frozen=True)
class SourceFile:
    path: Path  # on disk
    shown: str  # as printed
    module: str  # dotted module name
    is_package: bool
    is_test: bool


@dataclass
class Found:
    python: list[SourceFile] = field(default_factory=list)
    requirements: list[tuple[Path, str]] = field(default_factory=list)  # (on disk, as printed)
    errors: list[FileError] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # the paths given, as printed
    directories: bool = False  # at least one path given is a directory
    seen: set[str] = field(default_factory=set)  # absolute paths already added
    bases: dict[Path, Path] = field(default_factory=dict)  # folder -> where its dotted module names start


def is_requirements(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in REQUIREMENTS)


def is_test(relative: PurePosixPath) -> bool:
    """A test module by its name, or any module in a tests/ folder under the path given."""
    name = relative.name
    return (
        name == "conftest.py"
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or any(part in ("tests", "test") for part in relative.parts[:-1])
    )


def module_name(path: Path, bases: dict[Path, Path] | None = None) -> tuple[str, bool]:
    """The dotted name `import` would use, counting the enclosing packages (those with __init__.py)."""
    folder = path.parent
    base = bases.get(folder) if bases is not None else None
    if base is None:
        base = folder
        while (base / "__init__.py").is_file() and base.parent != base:
            base = base.parent
        if bases is not None:
            bases[folder] = base
    parts = [*path.parts[len(base.parts) : -1], path.stem]  # path relative to base, without .py
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def discover(paths: list[str], excluded: Callable[[Path], bool] | None = None) -> Found:
    """The files under the paths, but those `excluded` says to leave out (config.Config.excluded)."""
    found = Found()
    for given in paths:
        root = Path(given)
        shown = PurePosixPath(root.as_posix())
        found.roots.append(str(shown))
        if not root.exists():
            found.errors.append(FileError(str(shown), "no such file or directory"))
        elif root.is_dir():
            found.directories = True
            before = len(found.python)
            for path in _walk(root):
                if excluded is None or not excluded(path):
                    _add(found, path, shown, PurePosixPath(path.relative_to(root).as_posix()))
            if len(found.python) == before:
                found.errors.append(FileError(str(shown), "no Python file in this directory"))
        else:
            _add(found, root, shown.parent, PurePosixPath(shown.name))
            for path in sorted(root.resolve().parent.iterdir()):
                if path.is_file() and is_requirements(path.name):
                    _add(found, path, shown.parent, PurePosixPath(path.name))
    return found


def _add(found: Found, path: Path, root: PurePosixPath, relative: PurePosixPath) -> None:
    """Add a file once, however many of the paths given lead to it."""
    absolute = os.path.abspath(path)
    if absolute in found.seen:
        return
    found.seen.add(absolute)
    shown = str(root / relative)
    if not path.name.endswith(".py") and is_requirements(path.name):  # none of those names ends in .py
        found.requirements.append((path, shown))
    else:
        module, is_package = module_name(Path(absolute), found.bases)
        found.python.append(SourceFile(path, shown, module, is_package, is_test(relative)))


def _walk(root: Path) -> Iterator[Path]:
    """Python and requirements files under root, skipping hidden folders, caches and virtualenvs."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".")
            and name not in SKIP_DIRS
            and not (here / name / "pyvenv.cfg").exists()
            and not (name == "versions" and (here / "env.py").is_file())  # Alembic's migration scripts
        )
        for name in sorted(files):
            if name.endswith(".py") or is_requirements(name):
                yield here / name
