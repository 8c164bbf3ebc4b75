"""Stage 00, before you start: code that breaks the synchronous baseline itself on today's libraries."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.patterns import is_entity
from asynccheck.report import Finding
from asynccheck.source import Module


def check(module: Module, index: Index) -> Iterator[Finding]:
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
                    if alias.name in MOVED:
                        yield module.finding(alias, "AC002", MOVED[alias.name])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sqlalchemy.future"):
                    yield module.finding(
                        alias, "AC001", f"`{alias.name}` is a leftover of SQLAlchemy 1.4: use sqlalchemy"
                    )
    for call in module.calls_named("get"):
        text = _query_get(call.node)
        if text is not None:
            yield module.finding(call.node, "AC005", QUERY_GET.format(**text))
    for call in module.calls_named("TemplateResponse"):
        func = call.node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "TemplateResponse" and _old_signature(call.node):
            yield module.finding(call.node, "AC003", _TEMPLATE)


# Functions of sqlalchemy.ext.declarative that warn MovedIn20Warning when called.
MOVED = {
    "declarative_base": (
        "`sqlalchemy.ext.declarative.declarative_base` is deprecated (MovedIn20Warning): "
        "use `class Base(DeclarativeBase)` from sqlalchemy.orm"
    ),
    **{
        name: f"`sqlalchemy.ext.declarative.{name}` is deprecated (MovedIn20Warning): import it from "
        "sqlalchemy.orm"
        for name in ("as_declarative", "has_inherited_table", "synonym_for")
    },
}
QUERY_GET = (
    "`{call}` is legacy in SQLAlchemy 2 (LegacyAPIWarning, an error under filterwarnings = error): use "
    "`{session}.get({entity}, {key})`"
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


def _query_get(call: ast.Call) -> dict[str, str] | None:
    """`db.query(User).get(key)`: Query.get(), not the get() of a dict or of another library's query (whose
    argument is a string, as in pandas' `df.query("a > 1")`)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and len(call.args) == 1 and not call.keywords):
        return None
    query = func.value
    if not (
        isinstance(query, ast.Call) and isinstance(query.func, ast.Attribute) and query.func.attr == "query"
    ):
        return None
    if not query.args or not is_entity(query.args[0]):
        return None
    session, entity, key = (_short(node) for node in (query.func.value, query.args[0], call.args[0]))
    return {"call": f"{session}.query({entity}).get({key})", "session": session, "entity": entity, "key": key}


def _short(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 30 else "..."
