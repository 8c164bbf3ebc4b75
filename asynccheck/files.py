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
    top: Path | None = None  # the folder given (a file's folder): module names never start above it


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


def module_name(
    path: Path, bases: dict[Path, Path] | None = None, top: Path | None = None
) -> tuple[str, bool]:
    """The dotted name `import` would use, counting the enclosing packages (those with __init__.py), and the
    folders without one up to the project's own folder (namespace packages: `app/routes/items.py` is
    `app.routes.items` when the project's requirements sit beside `app/`), but never above `top`."""
    folder = path.parent
    base = bases.get(folder) if bases is not None else None
    if base is None:
        base = folder
        while (base / "__init__.py").is_file() and base.parent != base:
            base = base.parent
        base = _project_folder(base, top) or base
        if bases is not None:
            bases[folder] = base
    parts = [*path.parts[len(base.parts) : -1], path.stem]  # path relative to base, without .py
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


NAMESPACE_LEVELS = 4  # how many folders without __init__.py a module name may start above its own


def _project_folder(base: Path, top: Path | None) -> Path | None:
    """The folder a few levels above `base` that holds the project's requirements (or a src layout's `src`),
    when every folder on the way is a namespace package (a name `import` accepts, with no __init__.py and no
    requirements). None when there is none: module names then start at `base`, as for a flat app."""
    folder = base
    for _ in range(NAMESPACE_LEVELS + 1):
        if folder != base and (folder.name == "src" or _holds_requirements(folder)):
            return folder
        if _holds_requirements(folder) or not folder.name.isidentifier() or folder in (top, folder.parent):
            return None
        folder = folder.parent
    return None


def _holds_requirements(folder: Path) -> bool:
    try:
        return any(is_requirements(entry.name) for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return False


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
            found.top = Path(os.path.abspath(root))
            before = len(found.python)
            for path in _walk(root):
                if excluded is None or not excluded(path):
                    _add(found, path, shown, PurePosixPath(path.relative_to(root).as_posix()))
            if len(found.python) == before:
                found.errors.append(FileError(str(shown), "no Python file in this directory"))
        else:
            found.top = Path(os.path.abspath(root)).parent
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
        module, is_package = module_name(Path(absolute), found.bases, found.top)
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
