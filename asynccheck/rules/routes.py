"""Stage 05: routes and dependencies are async def on an AsyncSession, and no sync session or engine is
used inside async def, where every call blocks the event loop."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import (
    ASYNC_SESSION,
    ENGINE,
    FACTORY,
    SESSION,
    SYNC,
    Names,
    class_kind,
    matches,
    type_of,
    value_of,
)
from asynccheck.patterns import APPLICATIONS, keyword, route_decorators
from asynccheck.report import Finding
from asynccheck.source import Call, Function, Module, dotted_name, is_local

ASYNC_OF = {SESSION: "AsyncSession", ENGINE: "AsyncEngine", "Connection": "AsyncConnection"}
SYNC_ROUTE = (
    "def {what} `{name}` takes a sync Session: make it async def on an AsyncSession and await its queries"
)
ASYNC_IN_DEF = "def {what} `{name}` takes an AsyncSession but cannot await it: make it async def"
OPENS = "def route `{name}` opens a sync Session ({call}): make it async def on an AsyncSession"
SQLMODEL_SESSION = " (SQLModel's: `from sqlmodel.ext.asyncio.session import AsyncSession`, with exec())"
SYNC_PARAM = (
    "async def `{name}` takes a sync {kind}: every call on it blocks the event loop; use an {async_kind}"
)
SYNC_CALL = "`{call}` on the sync {kind} inside async def `{name}` blocks the event loop"
INSPECT = (
    "`{call}` on the sync engine inside async def `{name}` connects to the database on the event loop (and "
    "each get_*() of the inspector runs a query): inspect an AsyncConnection through run_sync, "
    "`await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_schema_names())`"
)
INSPECT_NAMES = Names("sqlalchemy.inspect", "sqlalchemy.inspection.inspect")
# Methods that do no I/O: configuring an engine or a factory, adding to a session.
NO_IO = {
    ENGINE: {"execution_options", "get_execution_options", "update_execution_options"},
    FACTORY: {"configure"},
    SESSION: {
        "add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "is_modified", "in_transaction",
        "in_nested_transaction", "get_bind", "info",
    },
}  # fmt: skip
SYNC_OR_FACTORY = SYNC | {FACTORY}
SYNC_OPEN = "`{call}` opens a sync Session inside async def `{name}`: its queries block the event loop"
SYNC_DISPOSE = (
    "`{call}`: the sync engine's dispose() blocks the event loop {where} while it closes the pool's "
    "connections; it goes with the sync engine at stage 05, once no route uses a sync session"
)


def check(module: Module, index: Index) -> Iterator[Finding]:
    # Test modules too. A def route there is one a test defines, and an override of get_db is registered
    # through app.dependency_overrides, not Depends(), so neither rule sees the tests' sync get_db override.
    # What is left is async def test code on a sync session, which blocks the loop the app runs on.
    sync_names = _sync_names(module, index)
    inspects = {id(call) for call in module.calls_named(*INSPECT_NAMES.last)}  # no other call is inspect()
    for function in module.functions:
        if function.is_async:
            yield from _sync_in_async(module, index, function, sync_names, inspects)
        elif route_decorators(function):
            yield from _def_endpoint(module, index, function, "route", sync_names)
        elif function.qualname and index.canonical(function.qualname) in index.dependencies:
            yield from _def_endpoint(module, index, function, "dependency", sync_names)


def _sync_names(module: Module, index: Index) -> set[str]:
    """The module-level names a sync session or engine can be reached from: sync engines and factories,
    the Session class, and the project's modules (`database.engine`). Other calls are not looked at."""
    found = set()
    for name in module.defined | module.imports.keys():
        qualname = module.qualify_name(name)
        if qualname in index.modules or class_kind(qualname) == SESSION:
            found.add(name)
        elif index.kind(("value", qualname)) in SYNC_OR_FACTORY:
            found.add(name)
    return found


def _param_kind(module: Module, index: Index, function: Function, arg: ast.arg) -> str | None:
    """What a parameter is, from its annotation (the same in every function) or its default."""
    binding = function.bindings[arg.arg]
    annotation = dotted_name(binding.annotation) if binding.annotation is not None else None
    if annotation is None:
        return index.kind_of(module, ast.Name(arg.arg), function)
    key = ("annotation", annotation)
    if key not in module.kinds:
        module.kinds[key] = index.kind(type_of(module, binding.annotation))
    if module.kinds[key] is None and binding.value is not None:
        return index.kind(value_of(module, binding.value, function.parent))
    return module.kinds[key]


def _def_endpoint(
    module: Module, index: Index, function: Function, what: str, sync_names: set[str]
) -> Iterator[Finding]:
    for arg in function.params():
        kind = _param_kind(module, index, function, arg)
        if kind == ASYNC_SESSION and what == "dependency" and not _calls_on(function, arg.arg):
            continue  # it hands the session on (a repository built around it): nothing here to await
        if kind in (SESSION, ASYNC_SESSION):
            text = SYNC_ROUTE if kind == SESSION else ASYNC_IN_DEF
            message = text.format(what=what, name=function.name)
            yield module.finding(arg, "AC502", message + (SQLMODEL_SESSION if index.sqlmodel else ""))
            return
    if what == "route":
        for call in _global_calls(function, sync_names):
            if _opens_session(module, index, call):
                message = OPENS.format(name=function.name, call=_text(call.node))
                yield module.finding(call.node, "AC502", message)
                return


def _sync_in_async(
    module: Module, index: Index, function: Function, sync_names: set[str], inspects: set[int]
) -> Iterator[Finding]:
    for arg in function.params():
        kind = _param_kind(module, index, function, arg)
        if kind in SYNC:
            message = SYNC_PARAM.format(name=function.name, kind=kind, async_kind=ASYNC_OF[kind])
            if kind == SESSION and index.sqlmodel:
                message += SQLMODEL_SESSION
            yield module.finding(arg, "AC503", message)
    for call in function.calls:
        node = call.node
        if type(node.func) is ast.Attribute and node.func.attr in ("create_all", "drop_all"):
            if _passes_sync_engine(module, index, node, function):
                message = SYNC_CALL.format(call=_text(node), kind="engine", name=function.name)
                yield module.finding(node, "AC503", message)
        elif node.args and id(call) in inspects and matches(module.callee(call), INSPECT_NAMES):
            if index.kind_of(module, node.args[0], function) in (ENGINE, "Connection"):
                text = f"inspect({ast.unparse(node.args[0])})"
                yield module.finding(node, "AC503", INSPECT.format(call=text, name=function.name))
    # A local name is reported where it comes from: the parameter, or the call that opened it.
    for call in _global_calls(function, sync_names):
        node = call.node
        if _opens_session(module, index, call):
            yield module.finding(node, "AC503", SYNC_OPEN.format(call=_text(node), name=function.name))
        elif isinstance(node.func, ast.Attribute):
            kind = index.kind_of(module, node.func.value, function)
            if kind == ENGINE and node.func.attr == "dispose":
                where = "at shutdown" if _is_lifespan(module, function) else f"in async def `{function.name}`"
                yield module.finding(node, "AC503", SYNC_DISPOSE.format(call=_text(node), where=where))
            elif kind in SYNC | {FACTORY} and node.func.attr not in NO_IO.get(kind, ()):
                kind = "session factory" if kind == FACTORY else kind.lower()
                message = SYNC_CALL.format(call=_text(node), kind=kind, name=function.name)
                yield module.finding(node, "AC503", message)


def _calls_on(function: Function, name: str) -> bool:
    """Whether the function calls a method of its parameter `name` (`db.execute(...)`), not only passes it."""
    for call in function.calls:
        root = call.node.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if root is not call.node.func and isinstance(root, ast.Name) and root.id == name:
            return True
    return False


def _global_calls(function: Function, names: set[str]) -> Iterator[Call]:
    """The calls in a function on one of names (not shadowed by a local of the same name)."""
    for call in function.calls:
        root = call.node.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in names and not is_local(root.id, function):
            yield call


def _opens_session(module: Module, index: Index, call: Call) -> bool:
    """SessionLocal() for a sync factory, or Session(engine)."""
    if class_kind(module.callee(call)) == SESSION:
        return True
    return index.kind_of(module, call.node.func, call.function) == FACTORY


def _is_lifespan(module: Module, function: Function) -> bool:
    """A function named lifespan, or given to the app as `lifespan=` in this module."""
    if function.name == "lifespan":
        return True
    for call in module.calls_named(*APPLICATIONS):
        value = keyword(call.node, "lifespan")
        if value is not None and function.qualname and module.qualify(value) == function.qualname:
            return True
    return False


def _passes_sync_engine(module: Module, index: Index, node: ast.Call, function: Function) -> bool:
    values = [*node.args, *(keyword.value for keyword in node.keywords)]
    return any(index.kind_of(module, value, function) == ENGINE for value in values)


def _text(node: ast.Call) -> str:
    """How a call is shown in a message: `engine.dispose()`, `SessionLocal()`."""
    return f"{ast.unparse(node.func)}()"
