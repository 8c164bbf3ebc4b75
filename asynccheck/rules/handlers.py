"""Stage 06: async exception handlers, importing FastAPI's own handlers by their real names."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.patterns import is_decorated_handler
from asynccheck.report import Finding
from asynccheck.source import Module

DEFAULT_HANDLERS = {
    "http_exception_handler",
    "request_validation_exception_handler",
    "websocket_request_validation_exception_handler",
}
MISSING_NAMES = {
    "HTTPExceptionHandler": "FastAPI's default handlers are functions in fastapi.exception_handlers",
    "RequestValidationException": "the exception class is fastapi.exceptions.RequestValidationError",
}
DEF_HANDLER = (
    "exception handler `{name}` is a def function, which Starlette runs in the thread pool: make it async def"
)
MISSING = "`{name}` does not exist in {source} (ImportError at startup): {hint}"
RECURSION = (
    "`{name}` replaces FastAPI's handler of the same name imported from fastapi.exception_handlers: "
    "delegating to it calls itself (RecursionError); give yours another name"
)


def check(module: Module, index: Index) -> Iterator[Finding]:
    for function in module.functions:
        if function.is_async:
            continue
        registered = function.qualname and index.canonical(function.qualname) in index.handlers
        if is_decorated_handler(function) or registered:
            yield module.finding(function.node, "AC601", DEF_HANDLER.format(name=function.name))
    imported_defaults = set()
    for node in module.import_nodes:
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        source = node.module or ""
        for alias in node.names:
            if alias.name in MISSING_NAMES and source.partition(".")[0] in ("fastapi", "starlette"):
                hint = MISSING_NAMES[alias.name]
                yield module.finding(
                    alias, "AC602", MISSING.format(name=alias.name, source=source, hint=hint)
                )
            if source == "fastapi.exception_handlers" and alias.name in DEFAULT_HANDLERS:
                imported_defaults.add(alias.asname or alias.name)
    for function in module.functions:
        if function.qualname and function.name in imported_defaults:
            yield module.finding(function.node, "AC603", RECURSION.format(name=function.name))
