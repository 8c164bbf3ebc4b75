"""Stage 00, before you start: code that breaks the synchronous baseline itself on today's libraries."""

import ast

from asynccheck.index import Index
from asynccheck.source import Module


def check(module: Module, index: Index):
    for node in module.import_nodes:
        if isinstance(node, ast.ImportFrom) and not node.level:
            source = node.module or ""
            if source == "sqlalchemy.future" or source.startswith("sqlalchemy.future."):
                names = ", ".join(alias.name for alias in node.names)
                yield module.finding(
                    node,
                    "AC001",
                    f"`{source}` is a leftover of SQLAlchemy 1.4: import {names} from sqlalchemy",
                )
            if source == "sqlalchemy.ext.declarative":
                for alias in node.names:
                    if alias.name == "declarative_base":
                        yield module.finding(alias, "AC002", _DECLARATIVE)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sqlalchemy.future"):
                    yield module.finding(
                        alias, "AC001", f"`{alias.name}` is a leftover of SQLAlchemy 1.4: use sqlalchemy"
                    )
    for call in module.calls_named("TemplateResponse"):
        func = call.node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "TemplateResponse" and _old_signature(call.node):
            yield module.finding(call.node, "AC003", _TEMPLATE)


_DECLARATIVE = (
    "`sqlalchemy.ext.declarative.declarative_base` is deprecated (MovedIn20Warning): "
    "use `class Base(DeclarativeBase)` from sqlalchemy.orm"
)
_TEMPLATE = (
    "TemplateResponse(name, {'request': ...}) is the old signature; Starlette 1.x takes the request first: "
    "TemplateResponse(request, name, context)"
)


def _old_signature(call: ast.Call) -> bool:
    """A template name first, or a context dict second (where the new call has the name)."""
    args = call.args
    first = args[0] if args else None
    if isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return True
    if len(args) >= 2 and isinstance(args[1], ast.Dict):
        return True
    keywords = {keyword.arg for keyword in call.keywords}
    return not args and "name" in keywords and "request" not in keywords
