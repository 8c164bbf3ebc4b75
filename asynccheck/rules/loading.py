"""Stage 04: every relationship either eager-loads or raises, so that nothing loads on attribute access."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import matches
from asynccheck.patterns import (
    BACKREF,
    MISSING,
    SQLMODEL_RELATIONSHIP,
    keyword,
    lazy_of,
    response_models,
    route_decorators,
)
from asynccheck.report import Finding
from asynccheck.source import Module

# Strategies that never run SQL on attribute access: they raise, load up front, or load nothing.
SAFE = {"raise", "raise_on_sql", "selectin", "joined", "subquery", "immediate", "write_only", "noload", False}

LAZY = (
    "{what} loads on attribute access, which an AsyncSession cannot do: set {raise_} so that a load the "
    "queries miss (in a template, or in code the checker cannot follow) fails in the tests instead of in "
    "production"
)
RAISE = 'lazy="raise"'
RAISE_SQLMODEL = 'sa_relationship_kwargs={"lazy": "raise"}'

DYNAMIC = 'lazy="dynamic" does not work with AsyncSession: use lazy="write_only" and query it with select()'
BACKREF_STRING = (
    'backref="{name}" creates the other side with the default lazy loading: declare both sides with '
    'back_populates and lazy="raise"'
)


def check(module: Module, index: Index) -> Iterator[Finding]:
    yield from unloaded(module, index)
    attributes: dict[int, str] | None = None
    for call in module.calls_named("relationship", "backref", "Relationship"):
        node = call.node
        lazy = lazy_of(node, module.callee(call))
        if lazy is not None and lazy != "dynamic" and index.eager:
            attributes = attributes if attributes is not None else _attributes(module)
            eager = attributes.get(id(node)) in index.eager  # eager-loaded where used, as the source shows
        else:
            eager = False
        if lazy is None or isinstance(lazy, ast.AST) or lazy in SAFE or eager:
            pass
        elif lazy == "dynamic":
            yield module.finding(node, "AC402", DYNAMIC)
        else:
            is_backref = matches(module.callee(call), BACKREF)
            what = "backref()" if is_backref else "relationship()"
            if lazy == MISSING:
                what += " without lazy="
            else:
                what += f' with lazy="{lazy}"' if isinstance(lazy, str) else f" with lazy={lazy}"
            sqlmodel = matches(module.callee(call), SQLMODEL_RELATIONSHIP)
            raise_ = RAISE_SQLMODEL if sqlmodel else RAISE
            if sqlmodel and lazy == MISSING:
                what = 'Relationship() without a "lazy" in sa_relationship_kwargs'
            message = LAZY.format(what=what, raise_=raise_)
            yield module.finding(node, "AC403" if is_backref else "AC401", message)
        if lazy is not None:
            backref = keyword(node, "backref")
            if isinstance(backref, ast.Constant) and isinstance(backref.value, str):
                yield module.finding(backref, "AC403", BACKREF_STRING.format(name=backref.value))


def _attributes(module: Module) -> dict[int, str]:
    """The class attribute each call in a class body is assigned to, by the call's id."""
    found = {}
    for cls in module.classes.values():
        for statement in cls.body:
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
                target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
                if isinstance(target, ast.Name):
                    found[id(statement.value)] = target.id
    return found


LAZY_LOADING = {MISSING, "select", True}
EAGER_OPTIONS = ("selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager")
UNLOADED = (
    "`{call}` loads {entity} without `{attribute}`, which the response model {model} reads: on an "
    "AsyncSession that lazy load raises MissingGreenlet (in a def route it is one more query per row); "
    "add `.options({option}({entity}.{attribute}))`"
)


def unloaded(module: Module, index: Index) -> Iterator[Finding]:
    """AC404: a query whose result a response model serializes, selecting a class whose relationship that
    model reads, with no eager-load option for it in the same function."""
    if not index.lazy_names:
        return
    querying = {id(call.function) for call in module.calls_named("select", "query") if call.function}
    for function in module.functions:
        if id(function) not in querying:
            continue
        own = response_models(module, function) if route_decorators(function) else []
        called_from = index.route_models.get(index.canonical(function.qualname) or "", set())
        models = [*own, *sorted(called_from)]
        if not models:
            continue
        fields: dict[str, str] = {}
        for model in models:
            for name in index.fields(model) & index.lazy_names:
                fields.setdefault(name, model)
        if not fields:
            continue
        eager = {
            arg.attr
            for call in function.calls
            if _name(call.node.func) in EAGER_OPTIONS
            for arg in call.node.args
            if isinstance(arg, ast.Attribute)
        } | {"*"}
        for call in function.calls:
            node = call.node
            if _name(node.func) not in ("select", "query") or not node.args:
                continue
            entity = module.qualify(node.args[0], function)
            for attribute, lazy in index.relationships(entity).items():
                if lazy in LAZY_LOADING and attribute in fields and attribute not in eager:
                    model = fields[attribute]
                    option = "selectinload" if attribute in index.collections(model) else "joinedload"
                    message = UNLOADED.format(
                        call=f"{_name(node.func)}({ast.unparse(node.args[0])})",
                        entity=ast.unparse(node.args[0]),
                        attribute=attribute,
                        model=model.rpartition(".")[2],
                        option=option,
                    )
                    yield module.finding(node, "AC404", message)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
