"""What a module binds beyond its plain module-level assignments: every name at its top level (what other
modules may import from it: AC509), and a local name read after commit() expired the object it holds
(AC203). Read by facts.facts()."""

import ast

from asynccheck.source import Module, dotted_name


def exports(module: Module) -> tuple[set[str], bool]:
    """Every name a module binds at its top level (in if/try/with/for/while blocks too, by any assignment),
    and the names its functions declare global; and whether it has names the checker cannot list."""
    names = set(module.defined) | set(module.imports)
    dynamic = "__getattr__" in module.defined
    simple = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.Expr, ast.Pass)
    stack: list[ast.AST] = [
        node
        for node in module.tree.body
        if not isinstance(node, simple)  # already in defined and imports
        and not (isinstance(node, ast.Assign | ast.AnnAssign) and _plain_target(node))
    ]
    while stack:
        node = stack.pop()
        targets: list[ast.expr] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
            targets = [node.target]
        elif isinstance(node, ast.With | ast.AsyncWith):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            dynamic = True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        for target in targets:
            names.update(name.id for name in ast.walk(target) if isinstance(name, ast.Name))
        for block_name in ("body", "orelse", "finalbody", "handlers", "cases"):  # not getattr's slow default
            block = getattr(node, block_name) if block_name in node._fields else None
            if block and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                stack.extend(block)
        if isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    if ":=" in module.text or "match " in module.text:  # walrus and match bindings: anywhere at top level
        for inner in ast.walk(module.tree):
            if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                names.add(inner.target.id)
            elif isinstance(inner, ast.MatchAs | ast.MatchStar) and inner.name:
                names.add(inner.name)
    if "global " in module.text:
        for inner in ast.walk(module.tree):
            if isinstance(inner, ast.Global):
                names.update(inner.names)
    return names, dynamic


def _plain_target(node: ast.Assign | ast.AnnAssign) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return all(isinstance(target, ast.Name) for target in targets)


def read_after_commit(module: Module) -> tuple[int, str] | None:
    """The first `obj.attr` read (or `return obj`) after `db.commit()` in the same function, of a local name
    bound before it to what a call gave (an object the commit expired), with no refresh(obj) after it."""
    for call in module.calls_named("commit"):
        function, func = call.function, call.node.func
        if function is None or not isinstance(func, ast.Attribute):
            continue
        line = call.node.lineno
        params = {arg.arg for arg in function.params()}
        refreshed = {
            arg.id
            for other in function.calls
            if isinstance(other.node.func, ast.Attribute)
            and other.node.func.attr == "refresh"
            and other.node.lineno > line
            for arg in other.node.args[:1]
            if isinstance(arg, ast.Name)
        }
        expired = {
            name
            for name, binding in function.bindings.items()
            if isinstance(binding.value, ast.Call | ast.Await)
            and binding.value.lineno < line
            and name not in params
            and name not in refreshed
            and name != dotted_name(func.value)
        }
        if not expired:
            continue
        for node in ast.walk(function.node):
            if getattr(node, "lineno", 0) <= line:
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                if isinstance(node.value, ast.Name) and node.value.id in expired:
                    return node.lineno, ast.unparse(node)
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in expired:
                return node.lineno, ast.unparse(node)
    return None
