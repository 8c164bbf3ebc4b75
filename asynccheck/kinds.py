"""What an expression is, as far as the migration cares: a sync or async session, engine, connection, factory.

Reading one module can only say what a local expression is in terms of names from other modules, so the
answer is a small symbolic expression, evaluated later against the whole project (index.Index.kind):

    ("is", kind)            known here
    ("value", qualname)     whatever the module-level name holds
    ("type", qualname)      an instance of the class or Annotated alias with that name
    ("yields", qualname)    what the function yields or returns (a dependency such as get_db)
    ("call", expr)          the result of calling it (a session factory gives a session)
    ("method", expr, name)  the result of calling a method on it (engine.begin() gives a connection)
    ("first", (expr, ...))  the first of these that is known
    ("state", name)         what the project puts on `request.state.<name>` (or `app.state.<name>`)
    ("joined", expr)        `expr / "name"`: a pathlib.Path when expr is one
"""

import ast
from collections.abc import Iterable
from typing import Literal, TypeAlias

from asynccheck.source import Binding, Function, Module, dotted_name

# The symbolic expressions above, as types ("value", "type" and "yields" name a module-level name, which an
# unresolved import can leave unknown: None).
Kind: TypeAlias = (
    tuple[Literal["is"], str]
    | tuple[Literal["value", "type", "yields"], str | None]
    | tuple[Literal["state"], str]
    | tuple[Literal["call"], "Kind"]
    | tuple[Literal["method"], "Kind", str]
    | tuple[Literal["first"], tuple["Kind", ...]]
    | tuple[Literal["joined"], "Kind"]
)

SESSION, ASYNC_SESSION = "Session", "AsyncSession"
ENGINE, ASYNC_ENGINE = "Engine", "AsyncEngine"
CONNECTION, ASYNC_CONNECTION = "Connection", "AsyncConnection"
FACTORY, ASYNC_FACTORY = "sessionmaker", "async_sessionmaker"
SYNC = {SESSION, ENGINE, CONNECTION}


class Names:
    """Qualified names. A name that is not qualified (after a star import) matches by its last part."""

    def __init__(self, *names: str) -> None:
        self.full = frozenset(names)
        self.last = frozenset(name.rpartition(".")[2] for name in names)

    def __or__(self, other: "Names") -> "Names":
        return Names(*self.full, *other.full)


ASYNCIO = "sqlalchemy.ext.asyncio"
CLASSES = {
    SESSION: Names("sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session"),
    ASYNC_SESSION: Names(
        f"{ASYNCIO}.AsyncSession",
        f"{ASYNCIO}.session.AsyncSession",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    ),
    ENGINE: Names("sqlalchemy.Engine", "sqlalchemy.engine.Engine", "sqlalchemy.engine.base.Engine"),
    ASYNC_ENGINE: Names(f"{ASYNCIO}.AsyncEngine", f"{ASYNCIO}.engine.AsyncEngine"),
    CONNECTION: Names(
        "sqlalchemy.Connection", "sqlalchemy.engine.Connection", "sqlalchemy.engine.base.Connection"
    ),
    ASYNC_CONNECTION: Names(f"{ASYNCIO}.AsyncConnection", f"{ASYNCIO}.engine.AsyncConnection"),
}
CREATE_ENGINE = Names("sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlmodel.create_engine")
CREATE_ASYNC_ENGINE = Names(f"{ASYNCIO}.create_async_engine", f"{ASYNCIO}.engine.create_async_engine")
SESSIONMAKER = Names("sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker")
ASYNC_SESSIONMAKER = Names(f"{ASYNCIO}.async_sessionmaker", f"{ASYNCIO}.session.async_sessionmaker")
DEPENDS = Names("fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security")
ANNOTATED = Names("typing.Annotated", "typing_extensions.Annotated")
OPTIONAL = Names("typing.Optional", "typing_extensions.Optional")
UNION = Names("typing.Union", "typing_extensions.Union")
WRAPPERS = ANNOTATED | OPTIONAL  # Annotated[X, ...] and Optional[X] are an X
ITERATORS = {"Iterator", "Generator", "AsyncIterator", "AsyncGenerator", "Iterable", "AsyncIterable"}

# What calling a method on one kind gives.
METHODS = {
    (ENGINE, "connect"): CONNECTION,
    (ENGINE, "begin"): CONNECTION,
    (ASYNC_ENGINE, "connect"): ASYNC_CONNECTION,
    (ASYNC_ENGINE, "begin"): ASYNC_CONNECTION,
    (FACTORY, "begin"): SESSION,
    (ASYNC_FACTORY, "begin"): ASYNC_SESSION,
}
OPENERS = {method for _, method in METHODS}
CALLS = {FACTORY: SESSION, ASYNC_FACTORY: ASYNC_SESSION}


def matches(qualname: str | None, names: Names) -> bool:
    if not qualname:
        return False
    return qualname in names.full or ("." not in qualname and qualname in names.last)


# Full names, and their last parts for names that are not qualified.
_CLASS_KINDS = {name: kind for kind, names in CLASSES.items() for name in names.full | names.last}
REDIS_MAKERS = ("Redis", "StrictRedis", "from_url", "Redis.from_url", "client.Redis", "client.StrictRedis")
# Objects whose methods block (blocking.METHODS), by the class or function that makes them; full names only.
BLOCKING_CLASSES = {
    "passlib.context.CryptContext": "CryptContext",
    "argon2.PasswordHasher": "PasswordHasher",
    "argon2._password_hasher.PasswordHasher": "PasswordHasher",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "emails.Message": "emails.Message",
    "emails.html": "emails.Message",
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "celery.Celery": "Celery",
    "pathlib.Path": "pathlib.Path",
    **{f"redis.{name}": "redis.Redis" for name in REDIS_MAKERS},
}
_CLASS_KINDS.update(BLOCKING_CLASSES)


def class_kind(qualname: str | None) -> str | None:
    """SESSION for "sqlalchemy.orm.Session" (or a bare "Session"), and so on."""
    return _CLASS_KINDS.get(qualname) if qualname else None


def value_of(module: Module, expr: ast.expr | None, function: Function | None, depth: int = 0) -> Kind | None:
    """The symbolic kind of the value of expr, evaluated in function (None: module level)."""
    if expr is None or depth > 8:
        return None
    if isinstance(expr, ast.Name):
        binding = binding_of(expr.id, function)
        if binding is None:
            return ("value", module.qualify(expr))
        scope, found = binding
        if found.annotation is not None:
            known = type_of(module, found.annotation, scope, depth + 1)
            if known is not None:
                return known
        return value_of(module, found.value, scope, depth + 1)
    if isinstance(expr, ast.Attribute):
        if is_state(expr.value):  # `request.state.db`: what the project puts there (facts.Facts.state)
            return ("state", expr.attr)
        qualname = module.qualify(expr, function)
        return ("value", qualname) if qualname else None
    if isinstance(expr, ast.Call):
        return _call(module, expr, function, depth)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):  # `folder / "name"`: a Path if folder is
        left = value_of(module, expr.left, function, depth + 1)
        return ("joined", left) if left else None
    return None


def is_state(expr: ast.expr) -> bool:
    """`request.state`, `app.state`, `request.app.state`: Starlette's per-request and per-app namespaces."""
    return isinstance(expr, ast.Attribute) and expr.attr == "state"


def _call(module: Module, call: ast.Call, function: Function | None, depth: int) -> Kind | None:
    callee = module.qualify(call.func, function)
    if matches(callee, CREATE_ENGINE):
        return ("is", ENGINE)
    if matches(callee, CREATE_ASYNC_ENGINE):
        return ("is", ASYNC_ENGINE)
    if matches(callee, ASYNC_SESSIONMAKER):
        return ("is", ASYNC_FACTORY)
    if matches(callee, SESSIONMAKER):
        return ("is", ASYNC_FACTORY if makes_async_sessions(module, call) else FACTORY)
    if matches(callee, DEPENDS):
        target = module.qualify(call.args[0]) if call.args else None
        return ("yields", target) if target else None
    known = class_kind(callee)
    if known is not None:
        return ("is", known)
    if isinstance(call.func, ast.Attribute) and call.func.attr in OPENERS:
        receiver = value_of(module, call.func.value, function, depth + 1)
        return ("method", receiver, call.func.attr) if receiver else None
    if callee is not None:  # a module-level name: a factory, or a function that returns or yields a session
        return ("first", (("call", ("value", callee)), ("yields", callee)))
    if isinstance(call.func, ast.Name):  # a local name
        inner = value_of(module, call.func, function, depth + 1)
        return ("call", inner) if inner else None
    return None


def makes_async_sessions(module: Module, call: ast.Call) -> bool:
    """sessionmaker(class_=AsyncSession)."""
    for keyword in call.keywords:
        if keyword.arg == "class_":
            return class_kind(module.qualify(keyword.value)) == ASYNC_SESSION
    return False


def type_of(
    module: Module, annotation: ast.expr | None, function: Function | None = None, depth: int = 0
) -> Kind | None:
    """The symbolic kind of an instance of the annotated type (Session, Annotated[Session, ...], an alias)."""
    if annotation is None or depth > 8:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):  # "Session"
        try:
            parsed = ast.parse(annotation.value, mode="eval").body
        except (SyntaxError, ValueError):  # not an expression, a NUL byte or a lone surrogate
            return None
        return type_of(module, parsed, function, depth + 1)
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        qualname = module.qualify(annotation, function)
        known = class_kind(qualname)
        if known is not None:
            return ("is", known)
        return ("type", qualname) if qualname else None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _first(
            type_of(module, side, function, depth + 1) for side in (annotation.left, annotation.right)
        )
    if isinstance(annotation, ast.Subscript):
        base = module.qualify(annotation.value, function)
        args = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        if matches(base, WRAPPERS):
            return type_of(module, args[0], function, depth + 1)
        if matches(base, UNION):
            return _first(type_of(module, arg, function, depth + 1) for arg in args)
    return None


def yielded_by(module: Module, function: Function) -> Kind | None:
    """The symbolic kind of what a function yields or returns, from its annotation or its body."""
    returns = function.node.returns
    if isinstance(returns, ast.Subscript):
        name = dotted_name(returns.value) or ""
        if name.rpartition(".")[2] in ITERATORS:
            args = returns.slice.elts if isinstance(returns.slice, ast.Tuple) else [returns.slice]
            return type_of(module, args[0])
    if returns is not None:
        known = type_of(module, returns)
        if known is not None:
            return known
    values = [value_of(module, result, function) for result in function.results]
    found = tuple(expr for expr in values if expr is not None)
    return ("first", found) if found else None


def _first(exprs: Iterable[Kind | None]) -> Kind | None:
    found = tuple(expr for expr in exprs if expr is not None)
    if not found:
        return None
    return found[0] if len(found) == 1 else ("first", found)


def binding_of(name: str, function: Function | None) -> tuple[Function, Binding] | None:
    """(the function that binds a local name, its binding), looking outwards; None for a global name."""
    while function is not None:
        if name in function.bindings:
            return function, function.bindings[name]
        function = function.parent
    return None
