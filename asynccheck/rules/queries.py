"""Stage 05: queries an AsyncSession can run: no legacy Query API, no refresh() that leaves a collection
the response needs unloaded."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import ASYNC_SESSION, SESSION
from asynccheck.patterns import is_entity, keyword, response_models, route_decorators
from asynccheck.report import Finding
from asynccheck.source import Call, Function, Module

EAGER = {"selectin", "joined", "subquery", "immediate", False}
LEGACY = (
    "`{receiver}.query()` is the legacy Query API, which AsyncSession does not have: "
    "rewrite it with select() and `await db.scalars(...)` or `await db.execute(...)`"
)
LEGACY_SQLMODEL = (
    "`{receiver}.query()` is the legacy Query API, which AsyncSession does not have: rewrite it with "
    "sqlmodel's select() and `await session.exec(...)` (SQLModel's AsyncSession from "
    "sqlmodel.ext.asyncio.session)"
)
REFRESH = (
    "refresh({target}) loads the columns only, and the response model {model}{via} reads `{fields}`, which "
    "an AsyncSession cannot load lazily: pass attribute_names={names!r}, or select the object again with "
    "selectinload()"
)


def check(module: Module, index: Index) -> Iterator[Finding]:
    for call in module.calls_named("query"):
        func = call.node.func
        args = call.node.args
        if (
            isinstance(func, ast.Attribute)
            and args
            and is_entity(args[0])
            and _app_query(module, index, call)
        ):
            receiver = ast.unparse(func.value)
            receiver = receiver if len(receiver) <= 30 else "..."
            text = LEGACY_SQLMODEL if index.sqlmodel else LEGACY
            yield module.finding(call.node, "AC501", text.format(receiver=receiver))
    refreshing = {id(call.function): call.function for call in module.calls_named("refresh") if call.function}
    for function in refreshing.values():
        yield from _refreshes(module, index, function)


def _app_query(module: Module, index: Index, call: Call) -> bool:
    """In a test module, only a query on an AsyncSession, which fails. The guide keeps a sync session in the
    tests for checking the database directly (`db.query(User).count()`) until stage 07, which removes that
    split; reported at stage 05, such a check held an app whose routes were converted at "next: 05"."""
    if not module.is_test:
        return True
    func = call.node.func
    return (
        isinstance(func, ast.Attribute) and index.kind_of(module, func.value, call.function) == ASYNC_SESSION
    )


def _refreshes(module: Module, index: Index, function: Function) -> Iterator[Finding]:
    """refresh() in a route whose response model has a collection, or in a function such a route calls."""
    own = response_models(module, function) if route_decorators(function) else []
    called_from = sorted(index.route_models.get(index.canonical(function.qualname) or "", ()))
    for models, via in ((own, ""), (called_from, f" (of a route that calls `{function.name}`)")):
        collections = {}
        for model in models:
            collections.update({field: model for field in index.collections(model)})
        if not collections:
            continue
        for call in function.calls:
            target = _refreshed(module, index, call.node, function)
            if target is None:
                continue
            orm_class = _class_of(module, target, function)
            fields = sorted(field for field in collections if index.lazy(orm_class, field) not in EAGER)
            if fields:
                model = collections[fields[0]].rpartition(".")[2]
                message = REFRESH.format(
                    target=ast.unparse(target), model=model, via=via, fields="`, `".join(fields), names=fields
                )
                yield module.finding(call.node, "AC506", message)
        return  # one finding per refresh(), from the function's own response model first


def _refreshed(module: Module, index: Index, node: ast.Call, function: Function) -> ast.expr | None:
    """The object of `db.refresh(obj)` on a session, unless it names the attributes to load."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "refresh" and node.args):
        return None
    if keyword(node, "attribute_names") is not None or len(node.args) > 1:
        return None
    if index.kind_of(module, func.value, function) not in (SESSION, ASYNC_SESSION, None):
        return None
    return node.args[0]


def _class_of(module: Module, target: ast.expr, function: Function) -> str | None:
    """The ORM class of `obj` when the function built it: `obj = models.User(...)`."""
    if isinstance(target, ast.Name):
        binding = function.bindings.get(target.id)
        if binding is not None and isinstance(binding.value, ast.Call):
            return module.qualify(binding.value.func, function)
    return None
