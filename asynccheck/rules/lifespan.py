"""Stage 03: no database work when a module is imported, and a lifespan instead of startup events."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.patterns import APPLICATIONS, keyword
from asynccheck.report import Finding
from asynccheck.source import Module

CREATE_ALL = (
    "{name}() runs when the module is imported: create the tables in a lifespan, through the async engine "
    "and conn.run_sync()"
)
NO_LIFESPAN = (
    "the app has an async engine and no lifespan: nothing disposes of the engine's pool at shutdown, so its "
    "connections are dropped instead of closed; give FastAPI a lifespan that does `await engine.dispose()` "
    "after its yield (with Alembic owning the schema, that is all stage 03 asks)"
)
ON_EVENT = "{what} is deprecated: move the startup and shutdown work into a lifespan (FastAPI(lifespan=...))"


def check(module: Module, index: Index) -> Iterator[Finding]:
    # Not in test modules: tables a test module creates for its test database when pytest imports it are
    # not the app's import-time work, and the guide keeps that until stage 07 ("keep creating the test
    # tables yourself, through a sync engine on the test database"). Reported, it held an app whose own code
    # was converted at "next: 03". The stage-07 findings are the ones about the test suite.
    # on_event in a test module stays a finding: FastAPI runs no startup or shutdown handler of an app that
    # has a lifespan, so the handlers a test adds stop running at stage 03.
    for call in [] if module.is_test else module.calls_named("create_all", "drop_all"):
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
    facts = index.modules.get(module.name)
    if facts is not None and facts.app and index.async_engine and not index.lifespan:
        yield module.finding_at(*facts.app, "AC303", NO_LIFESPAN)
    for call in module.calls_named(*APPLICATIONS):
        for name in ("on_startup", "on_shutdown"):
            value = keyword(call.node, name)
            if value is not None:
                yield module.finding(value, "AC302", ON_EVENT.format(what=f"{name}="))
