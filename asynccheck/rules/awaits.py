"""Stage 05: await what an AsyncSession (or AsyncEngine, AsyncConnection) returns a coroutine for, and
nothing else."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import ASYNC_CONNECTION, ASYNC_ENGINE, ASYNC_SESSION
from asynccheck.report import Finding
from asynccheck.source import Module

SESSION_COROUTINES = {
    "execute", "scalars", "scalar", "get", "get_one", "commit", "rollback", "refresh", "flush", "delete",
    "close", "run_sync", "stream", "stream_scalars", "merge", "reset", "invalidate", "connection",
    "exec",  # SQLModel's AsyncSession
}  # fmt: skip
CONNECTION_COROUTINES = {
    "execute", "scalars", "scalar", "commit", "rollback", "run_sync", "close", "stream", "stream_scalars",
    "exec_driver_sql", "start", "invalidate",
}  # fmt: skip
COROUTINES = {
    ASYNC_SESSION: SESSION_COROUTINES,
    ASYNC_ENGINE: {"dispose"},
    ASYNC_CONNECTION: CONNECTION_COROUTINES,
}
PLAIN = {
    ASYNC_SESSION: {
        "add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "is_modified", "in_transaction",
        "in_nested_transaction", "get_bind",
    },
}  # fmt: skip
ALL_COROUTINES = set().union(*COROUTINES.values())
ALL_PLAIN = set().union(*PLAIN.values())

NOT_AWAITED = (
    "`{call}` is not awaited: {kind}.{method}() returns a coroutine, and without await it never runs "
    "(Python only warns that it was never awaited)"
)
AWAITED = "`await {call}`: {kind}.{method}() is a plain method, and awaiting what it returns raises TypeError"


def check(module: Module, index: Index) -> Iterator[Finding]:
    for call in module.calls_named(*ALL_COROUTINES, *ALL_PLAIN):
        func = call.node.func
        if call.function is None or not isinstance(func, ast.Attribute):
            continue
        method = func.attr
        if call.awaited and method in ALL_PLAIN:
            kind = index.kind_of(module, func.value, call.function)
            if kind is not None and method in PLAIN.get(kind, ()):
                text = f"{ast.unparse(func)}()"
                yield module.finding(call.node, "AC505", AWAITED.format(call=text, kind=kind, method=method))
        elif not call.awaited and not call.handed_on and call.function.is_async and method in ALL_COROUTINES:
            kind = index.kind_of(module, func.value, call.function)
            if kind is not None and method in COROUTINES.get(kind, ()):
                text = f"{ast.unparse(func)}()"
                yield module.finding(
                    call.node, "AC504", NOT_AWAITED.format(call=text, kind=kind, method=method)
                )
