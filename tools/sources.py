"""What an excerpt of MIGRATION.md shows, read from the repository: a stage file's diff from the previous
stage, the lines a stage adds, one definition of a Python file (by name, with ast), a module-level literal.
"""

import ast
import os
import subprocess
from pathlib import Path

from tools import stages

ROOT = stages.ROOT  # every path below is relative to it (a test points it at a copy of the stages)


class GuideError(Exception):
    """An excerpt that cannot be generated: a missing file, name or hunk."""


def stage_of(path: str) -> stages.Stage | None:
    parts = Path(path).parts
    for stage in stages.load():
        if parts[:2] == ("stages", stage.dir):
            return stage
    return None


def read(path: str) -> str:
    file = ROOT / path
    if not file.is_file():
        raise GuideError(f"{path}: no such file")
    return file.read_text(encoding="utf-8")


def git_diff(path: str, context: int = 3, before: str | None = None) -> str:
    """`git diff --no-index` of a stage file against the same file in the previous stage, or of any file
    against the file `before` names (`<!-- diff: examples/x/async/a.py from examples/x/sync/a.py -->`)."""
    new = Path(path)
    if before is not None:
        if not (ROOT / before).is_file():
            raise GuideError(f"{before}: no such file")
        old = Path(before)
    else:
        stage = stage_of(path)
        previous = stage and stages.previous(stage)
        if previous is None:
            raise GuideError(f"{path}: only a file in a stage after the first has a diff")
        old = Path("stages", previous.dir, *new.parts[2:])
    if not (ROOT / new).is_file():
        raise GuideError(f"{path}: no such file")
    old_arg = str(old) if (ROOT / old).is_file() else os.devnull
    result = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "--no-ext-diff", f"-U{context}", old_arg, str(new)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        raise GuideError(f"{path}: git diff failed: {result.stderr.strip()}")
    if not result.stdout:
        raise GuideError(
            f"{path}: " + (f"no change from {before}" if before else "the stage does not change this file")
        )
    return result.stdout


def split_hunks(diff: str) -> tuple[str, list[str]]:
    """The `---`/`+++` header (without git's `diff --git`/`index` lines) and the hunks, each from its `@@`."""
    header, hunks = "", []
    for line in diff.splitlines(keepends=True):
        if line.startswith("@@ "):
            hunks.append(line)
        elif hunks:
            hunks[-1] += line
        elif line.startswith(("---", "+++")):
            header += line
    return header, hunks


def diff_excerpt(path: str, only: tuple[str, ...] = (), before: str | None = None) -> str:
    header, hunks = split_hunks(git_diff(path, before=before))
    chosen = [hunk for hunk in hunks if not only or any(text in hunk for text in only)]
    if not chosen:
        raise GuideError(f"{path}: no hunk of the diff contains any of {list(only)}")
    return header + "".join(chosen)


def added_lines(path: str) -> set[int]:
    """Line numbers of `path` that its stage adds (every line, in the first stage)."""
    stage = stage_of(path)
    if stage is not None and stages.previous(stage) is None:
        return set(range(1, len(read(path).splitlines()) + 1))
    added = set()
    for hunk in split_hunks(git_diff(path, context=0))[1]:
        # "@@ -12,3 +14,5 @@": the new side starts at line 14 (with no count, one line)
        start = int(hunk.split()[2].removeprefix("+").split(",")[0])
        plus = [line for line in hunk.splitlines()[1:] if line.startswith("+")]
        added |= set(range(start, start + len(plus)))
    return added


def defined_names(stmt: ast.stmt) -> set[str]:
    """What a statement is found by: a def's or class's name, an assigned name, every name that some branch
    of an `if` assigns, and a call's first argument when it is a string (`Index("posts_newest", ...)`)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.If):
        return {name for inner in [*stmt.body, *stmt.orelse] for name in defined_names(inner)}
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and stmt.value.args:
        first = stmt.value.args[0]
        return {first.value} if isinstance(first, ast.Constant) and isinstance(first.value, str) else set()
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def find_node(tree: ast.Module, name: str) -> ast.stmt | None:
    """A top-level def, class or assignment by name; `Class.name` looks inside a class."""
    body, node = tree.body, None
    for part in name.split("."):
        node = next((stmt for stmt in body if part in defined_names(stmt)), None)
        if node is None:
            return None
        body = getattr(node, "body", [])
    return node


def code_region(path: str, *names: str) -> tuple[int, int]:
    """First and last line of a name's definition in `path`, with its decorators and the comment lines right
    above it. With several names, from the first line of the first one to the last line of the last one."""
    if Path(path).suffix != ".py" or not (ROOT / path).is_file():
        raise GuideError(f"{path}: no such Python file (code excerpts are Python; use a diff otherwise)")
    source = read(path)
    tree, lines = ast.parse(source), source.splitlines()
    regions = []
    for name in names:
        node = find_node(tree, name)
        if node is None:
            raise GuideError(f"{path}: no def, class or assignment named {name!r}")
        first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
        while first > 1 and lines[first - 2].strip().startswith("#"):
            first -= 1
        regions.append((first, node.end_lineno or node.lineno))
    if not regions or regions != sorted(regions):
        raise GuideError(f"{path}: name one or more of its definitions, in the order of the file: {names}")
    return regions[0][0], regions[-1][1]


def literal(path: str, name: str) -> list[dict[str, str]]:
    """A module-level literal, read with ast: the module's imports need not be installed."""
    node = find_node(ast.parse(read(path)), name)
    if not isinstance(node, ast.Assign):
        raise GuideError(f"{path}: no assignment named {name!r}")
    try:
        value = ast.literal_eval(node.value)
    except ValueError as error:
        raise GuideError(f"{path}: {name} is not a literal: {error}") from None
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise GuideError(f"{path}: {name} is not a list of rows (dicts)")
    return value
