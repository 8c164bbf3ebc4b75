"""Reading and parsing a Python file into a source.Module (walker.py fills it in, in one walk of its tree)."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

from asynccheck.source import Binding, Module, SourceError
from asynccheck.walker import walk

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def read(path: Path) -> str:
    """The text of a source file, decoded as its coding declaration says (UTF-8 without one)."""
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "unknown encoding" in str(error):
            raise SourceError(str(error)) from None
        encoding = "utf-8"  # no declaration, and the first lines are not UTF-8: said below
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise SourceError(
            f"not valid {error.encoding.upper()} (byte {byte:#04x}); save it as UTF-8", line
        ) from None


# Syntax newer than the running Python, rewritten on the line that fails into what it means in older syntax:
# the checker reads the same names and calls either way.
NEWER_SYNTAX = [
    # PEP 758 (3.14): `except A, B:` is `except (A, B):`
    (re.compile(r"^(\s*except\*?)\s+(?!\()([^():#]+,[^():#]*?)\s*:"), r"\1 (\2):"),
    # PEP 695 (3.12): `type Alias = ...` is an assignment, `def f[T](...)` and `class C[T]` are generic
    (re.compile(r"^(\s*)type\s+(\w+)\s*(?:\[[^\]]*\])?\s*="), r"\1\2 ="),
    (re.compile(r"^(\s*(?:async\s+)?def\s+\w+)\s*\[[^\]]*\]\s*\("), r"\1("),
    (re.compile(r"^(\s*class\s+\w+)\s*\[[^\]]*\]"), r"\1"),
]
MAX_REPAIRS = 50
SKIPPED = (
    "syntax error: {message}; this Python ({version}) cannot parse it, so lines {start}-{end} were skipped "
    "and the rest of the file was checked: the verdict is incomplete until it parses here (run asynccheck "
    "with the Python the app uses)"
)


def _parse_newer(text: str, path: str) -> tuple[ast.Module, list[tuple[int, int, int, int, str]]]:
    """Parse text, rewriting syntax newer than this Python where that is exact, and leaving out the top-level
    statement around any other line that fails. Returns the tree and, for each part left out, the line and
    column of its error, its first and last lines and the error."""
    lines: list[str] = []  # the lines, once one needs rewriting
    skipped: list[tuple[int, int, int, int, str]] = []
    first: SyntaxError | None = None
    for _ in range(MAX_REPAIRS):
        try:
            return ast.parse("\n".join(lines) if lines else text, filename=path), skipped
        except SyntaxError as error:
            first = first or error
            lines = lines or text.split("\n")
            number = error.lineno or 0
            if not 1 <= number <= len(lines):
                break
            line = lines[number - 1]
            for pattern, replacement in NEWER_SYNTAX:
                if pattern.search(line):
                    lines[number - 1] = pattern.sub(replacement, line, count=1)
                    break
            else:
                start, end = _statement_around(lines, number)
                if start == 1 and end == len(lines):
                    break  # nothing would be left to check
                for index in range(start - 1, end):
                    lines[index] = ""
                skipped.append((number, error.offset or 1, start, end, error.msg))
    assert first is not None
    raise first


def _statement_around(lines: list[str], number: int) -> tuple[int, int]:
    """The lines of the top-level statement that holds line `number` (1-based, inclusive)."""
    start = number
    while start > 1 and not _starts_statement(lines[start - 1]):
        start -= 1
    end = number
    while end < len(lines) and not _starts_statement(lines[end]):
        end += 1
    return start, end


def _starts_statement(line: str) -> bool:
    return bool(line) and not line[0].isspace() and not line.startswith(("#", ")", "]", "}", "@"))


def parse(text: str, path: str, name: str, is_package: bool = False, is_test: bool = False) -> Module:
    try:
        tree, skipped = _parse_newer(text, path)
    except SyntaxError as error:
        raise SourceError(f"syntax error: {error.msg}", error.lineno, error.offset) from None
    except ValueError as error:  # a NUL byte
        raise SourceError(f"cannot parse: {error}") from None
    module = Module(path, name, is_package, is_test, text.splitlines(), tree, text=text)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    module.skipped = [
        (line, col, SKIPPED.format(message=message, version=version, start=start, end=end))
        for line, col, start, end, message in skipped
    ]
    try:
        _collect_globals(module, tree.body)
        walk(module)
    except RecursionError:
        raise SourceError("nested too deeply to check") from None
    return module


def _collect_globals(module: Module, body: list[ast.stmt]) -> None:
    """Module-level names, including those bound inside top-level if/try blocks."""
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    module.globals[target.id] = Binding(node.value)
                    module.defined.add(target.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            module.globals[node.target.id] = Binding(node.value, node.annotation)
            module.defined.add(node.target.id)
        elif isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            module.defined.add(node.name)
            if isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
        elif isinstance(node, ast.If):
            _collect_globals(module, node.body + node.orelse)
        elif isinstance(node, ast.Try):
            _collect_globals(module, node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                _collect_globals(module, handler.body)
