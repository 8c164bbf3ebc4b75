"""One Python file as the rules see it: calls, functions, bindings, imports (filled in by walker.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Protocol

from asynccheck.report import Finding


class SourceError(Exception):
    """A file that cannot be checked: it does not decode, or it is not valid Python."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


class Located(Protocol):
    """A node with a place in the file: an expression, a statement, an argument, an imported name."""

    lineno: int
    col_offset: int


@dataclass(eq=False, slots=True)
class Binding:
    """What a name is bound to: a value, an annotation, or both (a parameter with a default)."""

    value: ast.expr | None = None
    annotation: ast.expr | None = None


@dataclass(eq=False, slots=True)
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    parent: Function | None
    qualname: str | None  # "module.name" for a module-level function, else None
    owner: str | None = None  # the module-level class it is a method of
    bindings: dict[str, Binding] = field(default_factory=dict)
    results: list[ast.expr] = field(default_factory=list)  # the values it yields or returns
    calls: list[Call] = field(default_factory=list)
    generator: bool = False  # has a yield: calling it gives an (async) generator, not a coroutine
    is_async: bool = field(init=False)  # async def (read by every rule: an attribute, not a property)

    def __post_init__(self) -> None:
        self.is_async = isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def name(self) -> str:
        return self.node.name

    def params(self) -> list[ast.arg]:
        args = self.node.args
        return [*args.posonlyargs, *args.args, *args.kwonlyargs]


@dataclass(eq=False, slots=True)
class Call:
    node: ast.Call
    function: Function | None  # the innermost function it is in
    awaited: bool  # the operand of `await`
    handed_on: bool  # an argument of another call or an `async with` item: awaited elsewhere, if at all
    import_time: bool  # runs when the module is imported
    deferred: bool = False  # in a lambda: runs when the lambda is called, wherever that is
    callee: str | None = field(default=None, init=False)  # set by Module.callee()
    callee_known: bool = field(default=False, init=False)
    target: object = field(default=None, init=False)  # set by Index.target(): what it calls, if known
    target_known: bool = field(default=False, init=False)


@dataclass(eq=False)
class Module:
    path: str  # as printed
    name: str  # dotted module name
    is_package: bool
    is_test: bool
    lines: list[str]
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    import_nodes: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    globals: dict[str, Binding] = field(default_factory=dict)  # module-level assignments
    defined: set[str] = field(default_factory=set)  # every module-level name
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)  # module-level classes
    functions: list[Function] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    backends: set[str] = field(default_factory=set)  # databases named by URLs in strings
    # What its names are, kept by index.Index (by id of the function and name) and the rules (by annotation).
    kinds: dict[tuple[int | str, str], str | None] = field(default_factory=dict)
    by_name: dict[str, list[Call]] | None = None  # see calls_named()
    text: str = ""  # the whole source
    by_function: dict[int, list[Call]] | None = None  # blocking.candidates(): calls by name, per function
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # left out: (line, col, why)

    def col(self, node: Located) -> int:
        """The 1-based column of a node, in characters (the tree counts UTF-8 bytes)."""
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        if line.isascii():
            return node.col_offset + 1
        return len(line.encode(errors="surrogatepass")[: node.col_offset].decode(errors="replace")) + 1

    def finding(self, node: Located, code: str, message: str) -> Finding:
        return Finding(self.path, node.lineno, self.col(node), code, message)

    def finding_at(self, line: int, col: int, code: str, message: str) -> Finding:
        return Finding(self.path, line, col, code, message)

    def calls_named(self, *names: str) -> list[Call]:
        """The calls of functions or methods with these names: `db.execute(...)` is named execute, and
        `sm()` after `from sqlalchemy.orm import sessionmaker as sm` is named sessionmaker."""
        by_name = self.by_name
        if by_name is None:
            by_name = self.by_name = {}
            imports = self.imports
            for call in self.calls:
                func = call.node.func  # call_name(func), written out: this runs for every call
                if type(func) is ast.Attribute:
                    name = func.attr
                elif type(func) is ast.Name:
                    name = imports[func.id].rpartition(".")[2] if func.id in imports else func.id
                else:
                    continue
                group = by_name.get(name)
                if group is None:
                    by_name[name] = [call]
                else:
                    group.append(call)
        return [call for name in names if name in by_name for call in by_name[name]]

    def call_name(self, func: ast.expr) -> str | None:
        """The name calls_named() knows a call by: the last part of what qualify() gives for its func, and
        so the last part of any qualified name that may match it (kinds.Names.last). None for a func that is
        not a name or an attribute."""
        kind = type(func)
        if kind is ast.Attribute:
            return func.attr  # type: ignore[attr-defined, no-any-return]
        if kind is ast.Name:
            name: str = func.id  # type: ignore[attr-defined]
            return self.imports[name].rpartition(".")[2] if name in self.imports else name
        return None

    def callee(self, call: Call) -> str | None:
        """The qualified name of what a call calls (qualify() once per call, whichever rule asks)."""
        if not call.callee_known:
            call.callee, call.callee_known = self.qualify(call.node.func, call.function), True
        return call.callee

    def qualify(self, expr: ast.expr, function: Function | None = None) -> str | None:
        """The dotted name an expression refers to, through the imports ("sqlalchemy.orm.Session").

        None for an expression that is not a dotted name, or whose first name is a local variable.
        A name that is neither imported nor defined here stays bare ("Session" after a star import).
        """
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if function is not None and is_local(head, function):
            return None
        head = self.qualify_name(head)
        return f"{head}.{rest}" if rest else head

    def qualify_name(self, name: str) -> str:
        """What a module-level name refers to: what it was imported as, or this module's name for it. A name
        that is neither imported nor defined here stays bare."""
        if name in self.imports:
            return self.imports[name]
        if name in self.defined:
            return f"{self.name}.{name}" if self.name else name
        return name


def last_name(call: ast.Call) -> str:
    """`get` for `crud.item.get(...)` and for `get(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def dotted_name(expr: ast.expr) -> str | None:
    """`a.b.c` as "a.b.c"; None for an expression that is not a name or attributes of one."""
    if type(expr) is ast.Name:
        return expr.id
    parts = []
    while type(expr) is ast.Attribute:
        parts.append(expr.attr)
        expr = expr.value
    if not parts or type(expr) is not ast.Name or not expr.id:
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def is_local(name: str, function: Function | None) -> bool:
    while function is not None:
        if name in function.bindings:
            return True
        function = function.parent
    return False
