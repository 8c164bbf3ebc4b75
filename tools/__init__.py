"""The repository's own tools, imported as ``from tools import stages`` by nox, the tests and the benchmark.

    stages     the stage manifest, stages/stages.toml
    tags       the linear, tagged history of the stages (`python -m tools.tags`, or `nox -s tags`)
    guide      the guide's excerpts (MIGRATION.md, docs/) and README.md's stage table (`nox -s docs`)
    serve      a stage under uvicorn, with demo data in an empty database (`nox -s serve`)

Run them from the repository root, as modules.
"""
