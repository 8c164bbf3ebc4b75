"""The single walk of a module's tree that fills in a source.Module: calls with their context, functions with
their bindings, imports, and the databases that URLs in strings name."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from asynccheck.source import Binding, Call, Function, Module

# A database URL in a string: its backend tells which async driver the app needs.
DATABASE_URL = re.compile(r"(sqlite|postgres(?:ql)?|mysql|mariadb)(?:\+\w+)?://")
BACKENDS = {"postgres": "postgresql", "mariadb": "mysql"}

# Fields that never hold a call: expression contexts, operators, and the names and numbers a node carries.
_SKIP = {"ctx", "op", "ops", "attr", "id", "name", "arg", "asname", "module", "level", "kind", "conversion"}
_SKIP |= {"is_async", "simple", "type_comment"}
_FIELDS: dict[type, tuple[str, ...]] = {}
# What a field may hold that needs no visit: no node at all, or a node with nothing in it to find. Most of
# the tree is names: they are passed over where they are met, without a call.
_NOTHING = frozenset(
    {type(None), str, int, ast.Name, ast.Load, ast.Store, ast.Del, ast.alias, ast.Pass, ast.Break}
    | {ast.Continue, ast.Global, ast.Nonlocal}
)


def walk(module: Module) -> None:
    _Walker(module).body(module.tree.body, None, True)


class _Walker:
    """One pass over the tree. Each node is visited with the function it is in (None: module level), whether
    it runs when the module is imported, and a flag its parent gives it: "awaited" (the operand of await) or
    "handed_on" (an argument of a call, or an `async with` item)."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.class_depth = 0  # inside a class body: its functions are methods
        self.classes: list[str | None] = []  # the enclosing class bodies: a name for a module-level class
        self.lambdas = 0  # inside a lambda

    def body(self, nodes: list[ast.stmt], function: Function | None, import_time: bool) -> None:
        for node in nodes:
            self.visit(node, function, import_time)

    def visit(self, node: ast.AST, function: Function | None, import_time: bool, flag: str = "") -> None:
        kind = type(node)
        while kind is ast.Attribute:  # `a.b.c`: only the innermost value can hold a call; the flag is not its
            node = node.value  # type: ignore[attr-defined]
            kind = type(node)
            flag = ""
        if kind in _NOTHING:
            return
        handler = _HANDLERS.get(kind)
        if handler is None:
            self.children(node, function, import_time)
        else:
            handler(self, node, function, import_time, flag)

    def children(self, node: ast.AST, function: Function | None, import_time: bool) -> None:
        """Visit what a node holds, in the order of its fields, each without a flag. Names, `a.b.c` and
        constants, most of any tree, are dealt with here without a call."""
        kind = type(node)
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _SKIP)
        for name in fields:
            value = getattr(node, name, None)
            item: Any  # a node, or what a field holds besides nodes: a name, a number, None
            for item in value if type(value) is list else (value,):
                item_kind = type(item)
                while item_kind is ast.Attribute:
                    item = item.value
                    item_kind = type(item)
                if item_kind in _NOTHING:
                    continue
                if item_kind is ast.Constant:
                    if type(item.value) is str and "://" in item.value:
                        self.constant(item, function, import_time, "")
                    continue
                handler = _HANDLERS.get(item_kind)
                if handler is not None:
                    handler(self, item, function, import_time, "")
                elif isinstance(item, ast.AST):
                    self.children(item, function, import_time)

    def await_(self, node: ast.Await, function: Function | None, import_time: bool, flag: str) -> None:
        self.visit(node.value, function, import_time, "awaited")

    def container(self, node: ast.expr, function: Function | None, import_time: bool, flag: str) -> None:
        """A list, tuple or *args: what it holds is handed on as the enclosing call's arguments are."""
        if flag != "handed_on":
            self.children(node, function, import_time)
            return
        for child in node.elts if isinstance(node, ast.List | ast.Tuple) else [node.value]:  # type: ignore[attr-defined]
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
        if function is not None:
            if not isinstance(node, ast.Return):
                function.generator = True
            if node.value is not None:
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
        visit = self.visit
        func = node.func
        while type(func) is ast.Attribute:  # `a.b.c(...)`: only a call under `a` would be worth a visit
            func = func.value
        if type(func) is not ast.Name:
            visit(func, function, import_time)
        for arg in node.args:
            if type(arg) is not ast.Name:
                visit(arg, function, import_time, "handed_on")
        for keyword in node.keywords:
            if type(keyword.value) is not ast.Name:
                visit(keyword.value, function, import_time, "handed_on")

    def function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        outer: Function | None,
        import_time: bool,
        flag: str,
    ) -> None:
        # Decorators, defaults and annotations run where the function is defined; the body runs later.
        args = node.args
        positional = [*args.posonlyargs, *args.args] if args.posonlyargs else args.args
        for child in (*node.decorator_list, *args.defaults, *args.kw_defaults):
            if child is not None:
                self.visit(child, outer, import_time)
        for arg in (*positional, *args.kwonlyargs) if args.kwonlyargs else positional:
            if arg.annotation is not None and type(arg.annotation) is not ast.Name:
                self.visit(arg.annotation, outer, import_time)
        if node.returns is not None:
            self.visit(node.returns, outer, import_time)
        at_module_level = outer is None and not self.class_depth
        qualname = f"{self.module.name}.{node.name}" if at_module_level else None
        owner = self.classes[-1] if outer is None and self.classes else None
        function = Function(node, outer, qualname, owner)
        bindings = function.bindings
        defaults = [None] * (len(positional) - len(args.defaults)) + args.defaults
        for arg, default in zip(positional, defaults, strict=True):
            bindings[arg.arg] = Binding(default, arg.annotation)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            bindings[arg.arg] = Binding(default, arg.annotation)
        for star in (args.vararg, args.kwarg):
            if star is not None:
                bindings[star.arg] = Binding()
        self.module.functions.append(function)
        self.body(node.body, function, False)

    def assign(
        self, node: ast.Assign | ast.AnnAssign, function: Function | None, import_time: bool, flag: str
    ) -> None:
        self.children(node, function, import_time)
        if function is None:
            return
        annotation = getattr(node, "annotation", None)
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            if type(target) is ast.Name:
                function.bindings[target.id] = Binding(node.value, annotation)
                continue
            for name in ast.walk(target):  # a, b = ...: what each name gets is not known
                if isinstance(name, ast.Name):
                    function.bindings[name.id] = Binding(None, annotation)

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


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


# The handler of each node type that needs more than a visit of what it holds: (walker, node, enclosing
# function, runs at import time, flag). It maps each type to its own handler, a pairing the type system cannot
# state: the node is Any to the table. A table of the class's functions, not of bound methods: a walker
# holding its own methods would be a reference cycle, and keep each tree for the cyclic collector.
Handler = Callable[[_Walker, Any, Function | None, bool, str], None]
_HANDLERS: dict[type, Handler] = {
    ast.Call: _Walker.call,
    ast.Await: _Walker.await_,
    ast.FunctionDef: _Walker.function,
    ast.AsyncFunctionDef: _Walker.function,
    ast.ClassDef: _Walker.class_,
    ast.Lambda: _Walker.lambda_,
    ast.Assign: _Walker.assign,
    ast.AnnAssign: _Walker.assign,
    ast.With: _Walker.with_,
    ast.AsyncWith: _Walker.with_,
    ast.Return: _Walker.result,
    ast.Yield: _Walker.result,
    ast.YieldFrom: _Walker.result,
    ast.Import: _Walker.import_,
    ast.ImportFrom: _Walker.import_,
    ast.If: _Walker.if_,
    ast.Constant: _Walker.constant,
    ast.Starred: _Walker.container,
    ast.List: _Walker.container,
    ast.Tuple: _Walker.container,
}
