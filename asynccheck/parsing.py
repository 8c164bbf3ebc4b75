"""Reading and parsing a Python file, and the single walk of its tree that fills in a source.Module."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asynccheck.source import Binding, Call, Function, Module, SourceError

# A database URL in a string: its backend tells which async driver the app needs.
DATABASE_URL = re.compile(r"(sqlite|postgres(?:ql)?|mysql|mariadb)(?:\+\w+)?://")
BACKENDS = {"postgres": "postgresql", "mariadb": "mysql"}
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
    lines = text.split("\n")
    skipped: list[tuple[int, int, int, int, str]] = []
    first: SyntaxError | None = None
    for _ in range(MAX_REPAIRS):
        try:
            return ast.parse("\n".join(lines), filename=path), skipped
        except SyntaxError as error:
            first = first or error
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
        _Walker(module).body(tree.body, None, True)
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


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


# Fields that never hold a call: expression contexts and operators. Skipping them is most of the speed.
_SKIP = {"ctx", "op", "ops"}
_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = (ast.Name, ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)
# A handler of one node type: (node, enclosing function, runs at import time, flag). The table below maps each
# type to its own handler, a pairing the type system cannot state: the node is Any to the table.
Handler = Callable[[Any, Function | None, bool, str], None]


class _Walker:
    """One pass over the tree: calls with their context, functions with their bindings, imports."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.class_depth = 0  # inside a class body: its functions are methods
        self.classes: list[str | None] = []  # the enclosing class bodies: a name for a module-level class
        self.lambdas = 0  # inside a lambda
        self.handlers: dict[type[ast.AST], Handler] = {
            ast.Call: self.call,
            ast.Await: self.await_,
            ast.FunctionDef: self.function,
            ast.AsyncFunctionDef: self.function,
            ast.ClassDef: self.class_,
            ast.Lambda: self.lambda_,
            ast.Assign: self.assign,
            ast.AnnAssign: self.assign,
            ast.With: self.with_,
            ast.AsyncWith: self.with_,
            ast.Return: self.result,
            ast.Yield: self.result,
            ast.YieldFrom: self.result,
            ast.Import: self.import_,
            ast.ImportFrom: self.import_,
            ast.If: self.if_,
            ast.Constant: self.constant,
            ast.Starred: self.container,
            ast.List: self.container,
            ast.Tuple: self.container,
        }
        for leaf in _LEAVES:
            self.handlers[leaf] = self.leaf

    def body(self, nodes: list[ast.stmt], function: Function | None, import_time: bool) -> None:
        for node in nodes:
            self.visit(node, function, import_time)

    def visit(self, node: ast.AST, function: Function | None, import_time: bool, flag: str = "") -> None:
        handler = self.handlers.get(type(node))
        if handler is None:
            self.children(node, function, import_time)
        else:
            handler(node, function, import_time, flag)

    def children(self, node: ast.AST, function: Function | None, import_time: bool, flag: str = "") -> None:
        kind = type(node)
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _SKIP)
        visit = self.visit
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item, function, import_time)
            elif isinstance(value, ast.AST):
                visit(value, function, import_time)

    def leaf(self, node: ast.AST, function: Function | None, import_time: bool, flag: str) -> None:
        pass

    def await_(self, node: ast.Await, function: Function | None, import_time: bool, flag: str) -> None:
        self.visit(node.value, function, import_time, "awaited")

    def container(self, node: ast.expr, function: Function | None, import_time: bool, flag: str) -> None:
        """A list, tuple or *args: what it holds is handed on as the enclosing call's arguments are."""
        if flag != "handed_on":
            self.children(node, function, import_time)
            return
        for child in ast.iter_child_nodes(node):
            self.visit(child, function, import_time, flag)

    def class_(self, node: ast.ClassDef, function: Function | None, import_time: bool, flag: str) -> None:
        self.class_depth += 1
        self.classes.append(node.name if function is None and self.class_depth == 1 else None)
        self.children(node, function, import_time)
        self.classes.pop()
        self.class_depth -= 1

    def lambda_(self, node: ast.Lambda, function: Function | None, import_time: bool, flag: str) -> None:
        self.lambdas += 1
        self.children(node, function, False)
        self.lambdas -= 1

    def result(
        self,
        node: ast.Return | ast.Yield | ast.YieldFrom,
        function: Function | None,
        import_time: bool,
        flag: str,
    ) -> None:
        if function is not None and not isinstance(node, ast.Return):
            function.generator = True
        if function is not None and node.value is not None:
            function.results.append(node.value)
        self.children(node, function, import_time)

    def if_(self, node: ast.If, function: Function | None, import_time: bool, flag: str) -> None:
        if import_time and _is_main_guard(node):
            self.body(node.body, function, False)
            self.body(node.orelse, function, import_time)
        else:
            self.children(node, function, import_time)

    def constant(self, node: ast.Constant, function: Function | None, import_time: bool, flag: str) -> None:
        if type(node.value) is str and "://" in node.value:
            match = DATABASE_URL.match(node.value)
            if match:
                self.module.backends.add(BACKENDS.get(match[1], match[1]))

    def call(self, node: ast.Call, function: Function | None, import_time: bool, flag: str) -> None:
        call = Call(node, function, flag == "awaited", flag == "handed_on", import_time, self.lambdas > 0)
        self.module.calls.append(call)
        if function is not None:
            function.calls.append(call)
        self.visit(node.func, function, import_time)
        for arg in node.args:
            self.visit(arg, function, import_time, "handed_on")
        for keyword in node.keywords:
            self.visit(keyword.value, function, import_time, "handed_on")

    def function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        outer: Function | None,
        import_time: bool,
        flag: str,
    ) -> None:
        # Decorators, defaults and annotations run where the function is defined; the body runs later.
        args = node.args
        annotations = [arg.annotation for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        for child in (*node.decorator_list, *args.defaults, *args.kw_defaults, *annotations, node.returns):
            if child is not None:
                self.visit(child, outer, import_time)
        at_module_level = outer is None and not self.class_depth
        qualname = f"{self.module.name}.{node.name}" if at_module_level else None
        owner = self.classes[-1] if outer is None and self.classes else None
        function = Function(node, outer, qualname, owner)
        positional = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = [
            *zip(positional, defaults, strict=True),
            *zip(args.kwonlyargs, args.kw_defaults, strict=True),
        ]
        for arg, default in params:
            function.bindings[arg.arg] = Binding(default, arg.annotation)
        for star in (args.vararg, args.kwarg):
            if star is not None:
                function.bindings[star.arg] = Binding()
        self.module.functions.append(function)
        self.body(node.body, function, False)

    def assign(
        self, node: ast.Assign | ast.AnnAssign, function: Function | None, import_time: bool, flag: str
    ) -> None:
        self.children(node, function, import_time)
        if function is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    unpacked = name is not target
                    annotation = getattr(node, "annotation", None)
                    function.bindings[name.id] = Binding(None if unpacked else node.value, annotation)

    def with_(
        self, node: ast.With | ast.AsyncWith, function: Function | None, import_time: bool, flag: str
    ) -> None:
        flag = "handed_on" if isinstance(node, ast.AsyncWith) else ""
        for item in node.items:
            self.visit(item.context_expr, function, import_time, flag)
            if function is not None and isinstance(item.optional_vars, ast.Name):
                function.bindings[item.optional_vars.id] = Binding(item.context_expr)
        self.body(node.body, function, import_time)

    def import_(
        self, node: ast.Import | ast.ImportFrom, function: Function | None, import_time: bool, flag: str
    ) -> None:
        self.module.import_nodes.append(node)
        imports = self.module.imports
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    imports[head] = head
            return
        source = self.absolute(node)
        for alias in node.names:
            if alias.name != "*":
                imports[alias.asname or alias.name] = f"{source}.{alias.name}" if source else alias.name

    def absolute(self, node: ast.ImportFrom) -> str:
        """The module an import names, with a relative import resolved against this module's package."""
        if not node.level:
            return node.module or ""
        parts = self.module.name.split(".") if self.module.name else []
        if not self.module.is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
        return ".".join([*parts, *([node.module] if node.module else [])])
