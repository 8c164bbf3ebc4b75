"""The repository's own tools, imported as ``from tools import stages`` by nox, the tests and the benchmark.

    stages     the stage manifest, stages/stages.toml
    tags       the linear, tagged history of the stages (`python -m tools.tags`, or `nox -s tags`)
    guide      MIGRATION.md's excerpts and README.md's stage table (`python -m tools.guide`, or `nox -s docs`)
    serve      a stage under uvicorn, with demo data in an empty database (`nox -s serve`)

Run them from the repository root, as modules.
"""
