"""Linter conventions: which codes to report, and where not.

    [tool.asynccheck]                         in the project's pyproject.toml (the first one found in a
    select = ["AC5", "AC203"]                 PATH given or in a folder above it that has the table)
    ignore = ["AC703"]
    exclude = ["scripts/legacy/*"]            globs of paths, relative to that pyproject.toml's folder
    per-file-ignores = {"tests/*" = ["AC5"]}

A code is selected by itself or by a prefix ("AC5": every stage 05 code; "AC": all). `--select` on the
command line replaces the file's select; `--ignore` adds to its ignore. A line that ends in
`# noqa: AC401` (or `# noqa: AC4`, or `# noqa: AC`, or a bare `# noqa`) hides the findings of those codes on
that line.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from asynccheck.report import FileError, Finding

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*))?", re.IGNORECASE)


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["AC"])
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    root: Path | None = None  # the folder of the pyproject.toml it came from
    errors: list[FileError] = field(default_factory=list)

    def wants(self, code: str) -> bool:
        return _matches(code, self.select) and not _matches(code, self.ignore)

    def excluded(self, path: Path) -> bool:
        relative = self._relative(path)
        return relative is not None and any(_glob(relative, pattern) for pattern in self.exclude)

    def keeps(self, finding: Finding) -> bool:
        if not self.wants(finding.code):
            return False
        if self.per_file_ignores:
            relative = self._relative(Path(finding.path))
            if relative is not None:
                for pattern, codes in self.per_file_ignores.items():
                    if _glob(relative, pattern) and _matches(finding.code, codes):
                        return False
        return True

    def _relative(self, path: Path) -> str | None:
        base = self.root or Path.cwd()
        try:
            return PurePosixPath(
                Path(os.path.abspath(path)).relative_to(base.resolve()).as_posix()
            ).as_posix()
        except ValueError:
            return None


def _matches(code: str, prefixes: list[str]) -> bool:
    return any(code.upper().startswith(prefix.strip().upper()) for prefix in prefixes if prefix.strip())


def _glob(relative: str, pattern: str) -> bool:
    """A glob against the path and each folder above it (`scripts` and `scripts/*` hold scripts/a.py)."""
    pattern = pattern.strip("/")
    parts = relative.split("/")
    return any(fnmatch.fnmatch("/".join(parts[:end]), pattern) for end in range(1, len(parts) + 1))


def load(paths: list[str]) -> Config:
    """The [tool.asynccheck] table of the first pyproject.toml in a path given or a folder above it."""
    seen: set[Path] = set()
    for given in paths:
        start = Path(os.path.abspath(given))
        folder = start if start.is_dir() else start.parent
        for candidate in (folder, *folder.parents):
            if candidate in seen:
                break
            seen.add(candidate)
            pyproject = candidate / "pyproject.toml"
            if pyproject.is_file():
                config = _read(pyproject)
                if config is not None:
                    return config
    return Config()


def _read(pyproject: Path) -> Config | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the requirements reader reports a pyproject.toml it cannot read
    table = data.get("tool", {}).get("asynccheck")
    if not isinstance(table, dict):
        return None
    config = Config(root=pyproject.parent)
    problems = []
    for key in ("select", "ignore", "exclude"):
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            setattr(config, key, list(value))
        else:
            problems.append(f"{key} must be a list of strings")
    ignores = table.get("per-file-ignores", {})
    if isinstance(ignores, dict) and all(
        isinstance(codes, list) and all(isinstance(code, str) for code in codes) for codes in ignores.values()
    ):
        config.per_file_ignores = {str(pattern): list(codes) for pattern, codes in ignores.items()}
    else:
        problems.append("per-file-ignores must map globs to lists of codes")
    unknown = sorted(set(table) - {"select", "ignore", "exclude", "per-file-ignores"})
    if unknown:
        problems.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    shown = pyproject.as_posix()
    config.errors = [FileError(shown, f"[tool.asynccheck]: {problem}") for problem in problems]
    return config


def noqa(line: str) -> list[str] | None:
    """The code prefixes a `# noqa` comment on the line hides (["AC"] for a bare one); None without one."""
    match = NOQA.search(line)
    if match is None:
        return None
    codes = match["codes"]
    return [code.strip() for code in codes.split(",")] if codes else [""]


def hidden(finding: Finding, lines: list[str]) -> bool:
    if not 1 <= finding.line <= len(lines):
        return False
    prefixes = noqa(lines[finding.line - 1])
    return prefixes is not None and any(finding.code.startswith(prefix.upper()) for prefix in prefixes)
