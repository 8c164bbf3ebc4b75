"""Stage 05: a call to one of the app's own coroutine functions is awaited, wherever it is defined:
`crud.user.get(db, id)` once CRUDBase.get is async def, the most common mistake of a converted crud layer."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.report import Finding
from asynccheck.source import Call, Function, Module, last_name

NOT_AWAITED = "`{call}` is not awaited: {target} ({path}:{line}) is async def, so this {use}; {fix}"
USES = {
    "discarded": "makes a coroutine that never runs (Python only warns that it was never awaited)",
    "attribute": "reads an attribute of a coroutine: AttributeError: 'coroutine' object has no attribute",
    "assigned": "keeps a coroutine that is never awaited, not the result",
    "tested": "tests a coroutine, which is always true, not the result",
    "iterated": "iterates over a coroutine (TypeError), not over the result",
}
IN_ASYNC = "write `await {call}`"
IN_DEF = "make `{name}` async def and write `await {call}` (a def cannot await)"
AT_IMPORT = "run it with `asyncio.run(...)` or await it in an async def"


def check(module: Module, index: Index) -> Iterator[Finding]:
    parents: dict[int, ast.AST] | None = None
    for call in module.calls:
        if call.awaited or call.handed_on or call.deferred or last_name(call.node) not in index.async_names:
            continue
        target = index.target(module, call)
        if target is None:
            continue
        facts, key, entry = target
        if not entry.is_async or entry.generator or not entry.plain:
            continue
        if parents is None:
            parents = _parents(module.tree)
        use = _use(call, parents)
        if use is None:
            continue
        text = f"{_short(call.node.func)}(...)"
        function = call.function
        if function is None:
            fix = AT_IMPORT
        elif function.is_async:
            fix = IN_ASYNC.format(call=text)
        else:
            fix = IN_DEF.format(name=function.name, call=text)
        message = NOT_AWAITED.format(
            call=text, target=f"`{key}()`", path=facts.path, line=entry.line, use=USES[use], fix=fix
        )
        yield module.finding(call.node, "AC508", message)


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _use(call: Call, parents: dict[int, ast.AST]) -> str | None:
    """How the coroutine is used, where that is certainly wrong; None where it may be right (passed on,
    returned, kept in a container, awaited later)."""
    node = call.node
    parent = parents.get(id(node))
    if isinstance(parent, ast.Expr):
        return "discarded"
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return "attribute"
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.UnaryOp)):
        return "tested"
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        return "iterated"
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and call.function is not None:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return _later_use(call.function, targets[0].id, parents)
    return None


def _later_use(function: Function, name: str, parents: dict[int, ast.AST]) -> str | None:
    """ "attribute" if the name is only ever read for an attribute, "assigned" if it is never read; None if
    it is awaited, passed on, returned or stored (the checker cannot tell)."""
    use = "assigned"
    for node in ast.walk(function.node):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            parent = parents.get(id(node))
            if not (isinstance(parent, ast.Attribute) and parent.value is node):
                return None
            use = "attribute"
    return use


def _short(func: ast.expr) -> str:
    text = ast.unparse(func)
    return text if len(text) <= 40 else "..." + text[-37:]
