"""Stage 05: what the rest of the app imports from a module still exists there. Stage 05 removes the sync
engine, SessionLocal and the sync get_db; start-up scripts (backend_pre_start.py, initial_data.py), Celery
workers and test factories that import them fail with ImportError, which no route test shows."""

import ast
from collections.abc import Iterator
from pathlib import Path

from asynccheck.index import Index
from asynccheck.report import Finding
from asynccheck.source import Module

MISSING = "`{name}` is not defined in {source} ({path}): importing it raises ImportError; {hint}"
SYNC_NAMES = {"SessionLocal", "engine", "get_db", "Session", "SyncSession", "sync_engine", "session_factory"}
SCRIPT = (
    "if the async database layer replaced it, a script needs `asyncio.run(main())` around the async "
    "factory, and `await engine.dispose()` at its end"
)
OTHER = "import what the module has now"


def check(module: Module, index: Index) -> Iterator[Finding]:
    guarded: set[int] | None = None
    for node in module.import_nodes:
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _absolute(module, node)
        facts = index.modules.get(source) if source else None
        if facts is None or facts.dynamic or facts.module != source or source in index.ambiguous:
            continue  # not a module of the project by its full name, or two modules have that name
        if node.level and not _beside(module, node, facts.path):
            continue  # the relative import names another file than the one found by that name
        for alias in node.names:
            name = alias.name
            if name == "*" or name in facts.defined or name in facts.imports or name in facts.exports:
                continue
            if f"{facts.module}.{name}" in index.modules:
                continue
            if guarded is None:
                guarded = _guarded(module)
            if id(node) in guarded:
                break
            if _on_disk(facts.path, name):
                continue  # a module the checker did not read: an extension module, a generated file
            hint = SCRIPT if name in SYNC_NAMES else OTHER
            yield module.finding(
                alias, "AC509", MISSING.format(name=name, source=facts.module, path=facts.path, hint=hint)
            )


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".") if module.name else []
    if not module.is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    return ".".join([*parts, *([node.module] if node.module else [])])


def _beside(module: Module, node: ast.ImportFrom, found: str) -> bool:
    """The module found is the file the relative import names, counted from the importing file's folder."""
    folder = module.path.rsplit("/", 1)[0] if "/" in module.path else "."
    for _ in range(node.level - 1):
        folder = folder.rsplit("/", 1)[0] if "/" in folder else "."
    stem = f"{folder}/{node.module.replace('.', '/')}" if node.module else folder
    stem = stem.removeprefix("./")
    return found.removeprefix("./") in (f"{stem}.py", f"{stem}/__init__.py")


def _on_disk(package_init: str, name: str) -> bool:
    """Something named `name` beside a package's __init__.py (name.so, name.pyi, a folder)."""
    path = Path(package_init)
    if path.name != "__init__.py":
        return False
    return any(path.parent.glob(f"{name}.*")) or (path.parent / name).exists()


def _guarded(module: Module) -> set[int]:
    """Imports that may fail on purpose: in a try block, or under `if TYPE_CHECKING:`."""
    found: set[int] = set()
    for node in ast.walk(module.tree):
        body: list[ast.stmt] = []
        if isinstance(node, ast.Try):
            body = node.body
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            body = node.body
        for statement in body:
            found.update(id(child) for child in ast.walk(statement))
    return found
