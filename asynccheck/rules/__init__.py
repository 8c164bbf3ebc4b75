"""The rules, one module per stage step. A module rule sees one module and the project index; a project
rule sees the files found and the requirements."""

from asynccheck.rules import (
    awaits,
    baseline,
    drivers,
    factories,
    handlers,
    lifespan,
    loading,
    pydantic_v1,
    queries,
    routes,
    testing,
)

MODULE_RULES = (baseline, pydantic_v1, factories, lifespan, loading, queries, routes, awaits, handlers)
PROJECT_RULES = (drivers, testing)
