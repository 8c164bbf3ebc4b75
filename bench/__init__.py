"""The benchmark: what the migration buys, stage by stage, on SQLite and PostgreSQL. Run it as a package
from the repository root (`nox -s bench` does): `python -m bench`, or `python -m bench --quick`.

One module, one job:

    __main__     the command line
    plan         what a run measures: stages, databases, endpoints, concurrency
    run          one run from start to end: results.json, then the report
    environment  each stage's virtualenv and versions, the machine and the tools
    databases    a database per stage, seeded with the same data
    processes    child processes in groups of their own, ports, CPU time
    servers      server control: each stage's uvicorn, started, probed, warmed up, restarted
    load         load generation: one wrk run and what it measured
    sweep        measurement: the stages take turns under load, stalled and late runs; then the other
                 server configurations (uvicorn[standard], the final stage's engine tuned for this app, the
                 sync stages tuned instead of migrated), a group of servers at a time
    growth       the list and page endpoints at 500, 5,000 and 50,000 posts
    memory       the peak resident memory of a server serving many concurrent GET /
    counts       SQL statements and driver calls per request, counted by the stage tests on each database
    profiling    pyinstrument profiles where the final stage is slower
    analysis     what results.json says, a module per thing it works out (bench/analysis/__init__.py):
                 medians and ratios, the targets, the floor of aiosqlite's hand-offs, the other server
                 configurations and what to run instead of migrating, and what MIGRATION.md quotes
    render       REPORT.md from templates/REPORT.md.j2 and the parts it includes
    charts       throughput.png, p99.png and growth.png

Four scripts run in processes of their own: `delay_proxy.py`, a "remote" database; `profile_app.py`, a
stage under pyinstrument in that stage's virtualenv; `tuned_app.py`, a stage's app tuned by configuration
(a sync stage with a larger pool, or the final stage's engine with the tuning that suits only this app),
served by uvicorn in that stage's virtualenv; and `handoff.py`, what one aiosqlite hand-off
costs, timed in the final stage's virtualenv.
`asynccheck_bench.py` (`nox -s bench_check`) is a benchmark of its own: how fast asynccheck checks an app.
"""

from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Virtualenvs, databases, logs and the quick run's report: never committed.
WORK = BENCH / "work"
# Where bench/tuned_app.py, the baseline tuned by configuration, answers what it really runs with.
TUNED_SETTINGS_PATH = "/_bench/settings"
# bench/profile_app.py drops the requests it profiled before this one: the readiness probe and the warm-up.
PROFILE_RESTART_PATH = "/_bench/profile/restart"


class HarnessError(RuntimeError):
    """The harness itself failed (a server that does not start, wrk missing): never a measurement."""
