"""Recognising FastAPI and SQLAlchemy constructs: routes, handlers, dependencies, relationships."""

import ast

from asynccheck.kinds import DEPENDS, Names, matches
from asynccheck.source import Function, Module, dotted_name

APPLICATIONS = ("FastAPI", "Starlette", "APIRouter", "Router")
ROUTE_METHODS = {
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "api_route",
    "websocket",
}
RELATIONSHIP = Names("sqlalchemy.orm.relationship", "sqlalchemy.orm.relationships.relationship")
SQLMODEL_RELATIONSHIP = Names("sqlmodel.Relationship")
BACKREF = Names("sqlalchemy.orm.backref", "sqlalchemy.orm.relationships.backref")
# The names a relationship() call can have (Module.call_name): lazy_of() is None for any other call.
RELATIONSHIP_CALLS = RELATIONSHIP.last | SQLMODEL_RELATIONSHIP.last | BACKREF.last
COLLECTIONS = {"list", "List", "set", "Set", "Sequence", "frozenset", "FrozenSet"}
MISSING = "<missing>"  # the lazy= of a relationship that does not set it


def method_call(call: ast.Call) -> tuple[ast.expr, str] | None:
    """(receiver, method) of `receiver.method(...)`."""
    if isinstance(call.func, ast.Attribute):
        return call.func.value, call.func.attr
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(item.arg is None for item in call.keywords)


def is_entity(node: ast.expr) -> bool:
    """What Session.query() takes first: a class or a column, never a string (pandas' `df.query("a > 1")`)."""
    return not isinstance(node, (ast.Constant, ast.JoinedStr))


def route_decorators(function: Function) -> list[ast.Call]:
    """The `@app.get(...)`, `@router.post(...)`, ... decorators of a function."""
    found = []
    for decorator in function.node.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            if decorator.func.attr in ROUTE_METHODS:
                found.append(decorator)
    return found


def is_decorated_handler(function: Function) -> bool:
    """`@app.exception_handler(...)`."""
    for decorator in function.node.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            if decorator.func.attr == "exception_handler":
                return True
    return False


def registered_handlers(module: Module) -> set[str]:
    """Functions registered by `app.add_exception_handler(exc, func)` or `FastAPI(exception_handlers=...)`."""
    found = set()
    for call in module.calls_named("add_exception_handler", *APPLICATIONS):
        node = call.node
        candidates = []
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_exception_handler":
            candidates = node.args[1:2]
        handlers = keyword(node, "exception_handlers")
        if isinstance(handlers, ast.Dict):
            candidates = handlers.values
        for candidate in candidates:
            qualname = module.qualify(candidate, call.function)
            if qualname:
                found.add(qualname)
    return found


def dependencies(module: Module) -> set[str]:
    """Everything used as `Depends(...)` or `Security(...)`."""
    found = set()
    for call in module.calls_named("Depends", "Security"):
        if call.node.args and matches(module.callee(call), DEPENDS):
            qualname = module.qualify(call.node.args[0], call.function)
            if qualname:
                found.add(qualname)
    return found


def response_models(module: Module, function: Function) -> list[str]:
    """The classes a route's response is built from: response_model=, or the return annotation."""
    annotations = [keyword(decorator, "response_model") for decorator in route_decorators(function)]
    annotations.append(function.node.returns)
    found = []
    for annotation in annotations:
        if isinstance(annotation, ast.Subscript):  # list[Model], Optional[Model]
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
        qualname = module.qualify(annotation) if annotation is not None else None
        if qualname:
            found.append(qualname)
    return found


def collection_element(annotation: ast.expr | None) -> ast.expr | None:
    """X in `list[X]`, `List[X]`, `Sequence[X]`, `set[X]`, also under `| None` and Optional[...]."""
    if isinstance(annotation, ast.BinOp):
        return collection_element(annotation.left) or collection_element(annotation.right)
    if not isinstance(annotation, ast.Subscript):
        return None
    name = (dotted_name(annotation.value) or "").rpartition(".")[2]
    inner = annotation.slice
    if name == "Optional":
        return collection_element(inner)
    if name in COLLECTIONS:
        element = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            return ast.Name(element.value)
        return element if isinstance(element, (ast.Name, ast.Attribute)) else None
    return None


def lazy_of(call: ast.Call, callee: str | None) -> object | None:
    """The lazy= of a relationship() call: a constant, MISSING, or None when it is not a relationship.

    An expression that is not a constant gives the expression itself: the checker cannot tell its value.
    """
    if matches(callee, RELATIONSHIP) or matches(callee, BACKREF):
        value = keyword(call, "lazy")
    elif matches(callee, SQLMODEL_RELATIONSHIP):
        options = keyword(call, "sa_relationship_kwargs")
        if not isinstance(options, ast.Dict):
            return MISSING if options is None else options
        value = next(
            (
                v
                for k, v in zip(options.keys, options.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "lazy"
            ),
            None,
        )
    else:
        return None
    if value is None:
        return MISSING
    return value.value if isinstance(value, ast.Constant) else value
