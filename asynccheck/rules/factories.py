"""Stage 02: an async engine beside the sync one, and session factories that async sessions can use."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import ASYNC_SESSIONMAKER, CREATE_ENGINE, SESSIONMAKER, makes_async_sessions, matches
from asynccheck.patterns import has_star_kwargs, keyword
from asynccheck.report import Finding
from asynccheck.source import Call, Module

NO_ASYNC_ENGINE = (
    "a sync engine and no create_async_engine() anywhere: build the async engine beside it, on the same "
    "database through an async driver"
)
CLASS_ASYNC = (
    "sessionmaker(class_=AsyncSession): use async_sessionmaker, the factory made for AsyncSession, and give "
    "it the async engine"
)
NO_ENGINE = (
    "{name}() without an engine: its sessions are bound to no database and the first query fails with "
    "UnboundExecutionError; pass the engine as the first argument"
)
EXPIRES = {
    "sessionmaker": (
        "sessionmaker() without expire_on_commit=False: after a commit every loaded object is expired and "
        "the next attribute read runs SQL, which an AsyncSession cannot do, and `{read}` ({where}) reads "
        "one after a commit; set it here too, so that the sync and the async sessions behave alike"
    ),
    "async_sessionmaker": (
        "async_sessionmaker() without expire_on_commit=False: reading an attribute after `await db.commit()` "
        "raises MissingGreenlet, and `{read}` ({where}) reads one after a commit"
    ),
}
SESSION_EXPIRES = (
    "{call}(engine) without expire_on_commit=False: with no sessionmaker, each session expires every loaded "
    "object at commit, and `{read}` ({where}) reads one after a commit, which an AsyncSession cannot load; "
    "pass expire_on_commit=False here"
)
SQLMODEL_SESSIONS = {"sqlmodel.Session", "sqlmodel.ext.asyncio.session.AsyncSession"}
SQLMODEL_CLASS = (
    "async_sessionmaker() without class_=AsyncSession from sqlmodel.ext.asyncio.session, and the app "
    "calls session.exec(): SQLAlchemy's AsyncSession has no exec() (AttributeError: 'AsyncSession' object "
    "has no attribute 'exec'); pass class_=AsyncSession imported from sqlmodel.ext.asyncio.session"
)
SQLMODEL_SESSION = "sqlmodel.ext.asyncio.session.AsyncSession"


def check(module: Module, index: Index) -> Iterator[Finding]:
    # Test modules too, on purpose. The factory of the tests' get_db override (TestingSessionLocal) is the
    # one the routes get under test, and the guide sets expire_on_commit=False on it at stage 02 as well
    # (#expire-on-commit). A sync engine in the tests (AC201) is found only while the project has no async
    # engine at all, so it never holds an app that has reached stage 02.
    configured = _configured(module)
    for call in module.calls_named("create_engine", "sessionmaker", "async_sessionmaker"):
        callee = module.callee(call)
        if matches(callee, CREATE_ENGINE) and not index.async_engine:
            yield module.finding(call.node, "AC201", NO_ASYNC_ENGINE)
        elif matches(callee, SESSIONMAKER) or matches(callee, ASYNC_SESSIONMAKER):
            yield from _factory(module, index, call, callee, configured)
    read = index.read_after_commit
    if read is None:
        return
    for call in module.calls_named("Session", "AsyncSession"):
        node = call.node
        if module.callee(call) in SQLMODEL_SESSIONS and node.args and not has_star_kwargs(node):
            expire = keyword(node, "expire_on_commit")
            if expire is None or (isinstance(expire, ast.Constant) and expire.value is not False):
                path, line, text = read
                message = SESSION_EXPIRES.format(call=module.callee(call), read=text, where=f"{path}:{line}")
                yield module.finding(node, "AC203", message)


def _factory(
    module: Module, index: Index, call: Call, callee: str | None, configured: set[str]
) -> Iterator[Finding]:
    node = call.node
    name = "async_sessionmaker" if matches(callee, ASYNC_SESSIONMAKER) else "sessionmaker"
    if name == "sessionmaker" and makes_async_sessions(module, node):
        yield module.finding(node, "AC202", CLASS_ASYNC)
        name = "async_sessionmaker"
    if has_star_kwargs(node):
        return  # **options: the checker cannot tell what they hold
    expire = keyword(node, "expire_on_commit")
    read = index.read_after_commit
    if read and (expire is None or (isinstance(expire, ast.Constant) and expire.value is not False)):
        path, line, text = read
        yield module.finding(node, "AC203", EXPIRES[name].format(read=text, where=f"{path}:{line}"))
    if not node.args and not _bound_elsewhere(module, index, node, configured):
        yield module.finding(node, "AC204", NO_ENGINE.format(name=name))
    if name == "async_sessionmaker" and index.sqlmodel and index.exec_calls:
        session_class = keyword(node, "class_")
        if session_class is None or module.qualify(session_class) != SQLMODEL_SESSION:
            yield module.finding(node, "AC205", SQLMODEL_CLASS)


def _bound_elsewhere(module: Module, index: Index, node: ast.Call, configured: set[str]) -> bool:
    """Sessions that find their engine without a bind= here: `binds=`, a sync_session_class or class_ of
    the project (a routing session that overrides get_bind), or `Factory.configure(bind=...)` anywhere."""
    if any(keyword(node, name) is not None for name in ("bind", "binds", "sync_session_class")):
        return True
    session_class = keyword(node, "class_")
    if session_class is not None and index.class_of(module.qualify(session_class)):
        return True
    target = _target(module, node)
    if target in configured:
        return True
    qualified = f"{module.name}.{target}" if module.name else target
    return target is not None and index.canonical(qualified) in index.configured


def _configured(module: Module) -> set[str]:
    """Factories given their engine later: `SessionLocal.configure(bind=engine)`."""
    found = set()
    for call in module.calls_named("configure"):
        func = call.node.func
        if isinstance(func, ast.Attribute) and func.attr == "configure" and isinstance(func.value, ast.Name):
            if keyword(call.node, "bind") is not None:
                found.add(func.value.id)
    return found


def _target(module: Module, node: ast.Call) -> str | None:
    """The module-level name a factory is assigned to."""
    for name, binding in module.globals.items():
        if binding.value is node:
            return name
    return None
