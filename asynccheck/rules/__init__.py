"""The rules, one module per stage step. A module rule sees one module and the project index; a project
rule sees the files found and the requirements."""

from asynccheck.rules import (
    alembic,
    awaits,
    baseline,
    blocking,
    coroutines,
    drivers,
    factories,
    handlers,
    imports,
    lifespan,
    loading,
    pydantic_v1,
    queries,
    routes,
    testing,
)

MODULE_RULES = (
    baseline,
    pydantic_v1,
    factories,
    lifespan,
    loading,
    queries,
    routes,
    awaits,
    blocking,
    coroutines,
    imports,
    alembic,
    handlers,
)
PROJECT_RULES = (drivers, testing)
