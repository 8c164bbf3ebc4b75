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
    sweep        measurement: the stages take turns under load, stalled and late runs
    counts       SQL statements per request, counted by the stage tests
    profiling    pyinstrument profiles where the final stage is slower
    analysis     results.json grouped by run, medians, ratios to the baseline, the targets
    render       REPORT.md from templates/REPORT.md.j2
    charts       throughput.png and p99.png

Two scripts run in processes of their own: `delay_proxy.py`, a "remote" database, and `profile_app.py`, a
stage under pyinstrument in that stage's virtualenv.
`asynccheck_bench.py` (`nox -s bench_check`) is a benchmark of its own: how fast asynccheck checks an app.
"""

from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Virtualenvs, databases, logs and the quick run's report: never committed.
WORK = BENCH / "work"


class HarnessError(RuntimeError):
    """The harness itself failed (a server that does not start, wrk missing): never a measurement."""
