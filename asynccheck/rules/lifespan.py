"""Stage 03: no database work when a module is imported, and a lifespan instead of startup events."""

import ast

from asynccheck.index import Index
from asynccheck.patterns import APPLICATIONS, keyword
from asynccheck.source import Module

CREATE_ALL = (
    "{name}() runs when the module is imported: create the tables in a lifespan, through the async engine "
    "and conn.run_sync()"
)
ON_EVENT = "{what} is deprecated: move the startup and shutdown work into a lifespan (FastAPI(lifespan=...))"


def check(module: Module, index: Index):
    for call in module.calls_named("create_all", "drop_all"):
        func = call.node.func
        if call.import_time and isinstance(func, ast.Attribute):
            name = ast.unparse(func)
            if name.endswith(f"metadata.{func.attr}"):
                yield module.finding(call.node, "AC301", CREATE_ALL.format(name=name))
    for call in module.calls_named("on_event", "add_event_handler"):
        func = call.node.func
        if isinstance(func, ast.Attribute):
            what = f"@{ast.unparse(func)}(...)" if func.attr == "on_event" else f"{ast.unparse(func)}()"
            yield module.finding(call.node, "AC302", ON_EVENT.format(what=what))
    for call in module.calls_named(*APPLICATIONS):
        for name in ("on_startup", "on_shutdown"):
            value = keyword(call.node, name)
            if value is not None:
                yield module.finding(value, "AC302", ON_EVENT.format(what=f"{name}="))
