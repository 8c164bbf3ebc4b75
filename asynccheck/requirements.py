"""The packages a project declares: requirements files, pyproject.toml (PEP 621, 735, Poetry), setup.cfg,
and the packages its lock files install (uv.lock, poetry.lock, pdm.lock): SQLAlchemy before 2.1 brings
greenlet along on most platforms, and a lock file says whether it did."""

import configparser
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asynccheck.report import FileError

NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class Requirement:
    name: str  # normalized: lower case, runs of -_. as one -
    extras: frozenset[str]
    path: str  # the file that declares it, as printed
    line: int
    spec: str = ""  # the version specifier, as written (">=2.0,<2.1", "==2.0.44", Poetry's "~2.0")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_one(text: str, path: str, line: int) -> Requirement | None:
    """One requirement specifier ("sqlalchemy[asyncio]==2.1.9"), or None for anything else."""
    match = NAME.match(text)
    if not match:
        return None
    extras = frozenset(normalize(extra.strip()) for extra in (match[2] or "").split(",") if extra.strip())
    spec = text[match.end() :].split(";", 1)[0].strip()
    return Requirement(normalize(match[1]), extras, path, line, spec)


def read(path: Path, shown: str) -> tuple[list[Requirement], list[FileError]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [], [FileError(shown, f"cannot read: {error}")]
    if path.name == "pyproject.toml":
        return _pyproject(text, shown)
    if path.name == "setup.cfg":
        return _setup_cfg(text, shown)
    if path.name.endswith(".lock"):
        return _lock(text, shown)
    return _requirements_txt(path, text, shown, set()), []


def _requirements_txt(path: Path, text: str, shown: str, seen: set[Path]) -> list[Requirement]:
    """A pip requirements file, following `-r other.txt`."""
    seen.add(path.resolve())
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ", "--requirement=")):
            name = re.split(r"[ =]", line, maxsplit=1)[1].strip()
            included = path.parent / name
            if included.is_file() and included.resolve() not in seen:
                shown_included = str(Path(shown).parent / name).replace("\\", "/")
                text_included = included.read_text(encoding="utf-8", errors="replace")
                found += _requirements_txt(included, text_included, shown_included, seen)
        elif line and not line.startswith(("#", "-")):
            requirement = parse_one(line.split("@", 1)[0], shown, number)
            if requirement:
                found.append(requirement)
    return found


def _line_of(text: str, name: str) -> int:
    """The first line that names a package (TOML and INI parsers keep no positions)."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", re.I)
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return 1


def _from_strings(specifiers: Iterable[object], text: str, shown: str) -> list[Requirement]:
    found = []
    for specifier in specifiers:
        if isinstance(specifier, str):
            requirement = parse_one(specifier, shown, 1)
            if requirement:
                found.append(
                    Requirement(
                        requirement.name,
                        requirement.extras,
                        shown,
                        _line_of(text, requirement.name),
                        requirement.spec,
                    )
                )
    return found


def _pyproject(text: str, shown: str) -> tuple[list[Requirement], list[FileError]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [], [FileError(shown, f"not valid TOML: {error}")]
    project = data.get("project", {})
    specifiers = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specifiers += group
    for group in data.get("dependency-groups", {}).values():
        specifiers += group
    found = _from_strings(specifiers, text, shown)
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [group.get("dependencies", {}) for group in poetry.get("group", {}).values()]
    for table in tables:
        for name, spec in table.items():
            extras = spec.get("extras", []) if isinstance(spec, dict) else []
            version = spec.get("version", "") if isinstance(spec, dict) else spec
            version = version if isinstance(version, str) else ""
            requirement = parse_one(f"{name}[{','.join(extras)}] {version}", shown, _line_of(text, name))
            if requirement and requirement.name != "python":
                found.append(requirement)
    return found, []


def _setup_cfg(text: str, shown: str) -> tuple[list[Requirement], list[FileError]]:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error as error:
        return [], [FileError(shown, f"not a valid setup.cfg: {error}")]
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    specifiers = [line.strip() for value in values for line in value.splitlines() if line.strip()]
    return _from_strings(specifiers, text, shown), []


def _lock(text: str, shown: str) -> tuple[list[Requirement], list[FileError]]:
    """The `[[package]]` entries of a TOML lock file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [], [FileError(shown, f"not valid TOML: {error}")]
    found = []
    for package in data.get("package", []):
        name = package.get("name") if isinstance(package, dict) else None
        if isinstance(name, str):
            version = package.get("version", "")
            spec = f"=={version}" if isinstance(version, str) and version else ""
            found.append(Requirement(normalize(name), frozenset(), shown, _line_of(text, f'"{name}"'), spec))
    return found, []


# SQLAlchemy before 2.1 requires greenlet itself (on the usual platforms): a pin below 2.1 brings it along.
BEFORE_2_1 = re.compile(r"(?:===?|~=|~|\^)\s*(?:1\.\d+|2\.0)\b|<\s*2\.1\b|<=\s*(?:1\.\d+|2\.0)\b")


def brings_greenlet(requirement: Requirement) -> bool:
    """A sqlalchemy requirement pinned below 2.1 ("==2.0.44", ">=2.0,<2.1", "~=1.4", Poetry's "~2.0"); not
    Poetry's "^2.0", which allows 2.1."""
    return requirement.name == "sqlalchemy" and bool(BEFORE_2_1.search(requirement.spec))
