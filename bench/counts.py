"""SQL statements and driver calls per request, counted by tests/stage/test_statement_counts.py in the stage's
virtualenv, on each database: SQLite (a file of the test's own) and PostgreSQL (bench/databases.py's
COUNTS_DB). A few seconds per stage and database."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from bench import ROOT, WORK, HarnessError
from bench.databases import pg_url
from bench.environment import stage_python
from bench.processes import tail
from tools import stages as manifest

# The databases the counts are taken on, as results.json's statement_counts_by_database names them.
BACKENDS = ("sqlite", "postgresql")


def count_statements(stage: manifest.Stage, backend: str, out: Path) -> dict[str, Any]:
    """Run the test on `backend`, which writes the counts it saw to `out`; they come back with the verdict,
    `passed`, and the database they were counted on."""
    out.unlink(missing_ok=True)
    log = WORK / "logs" / f"counts-{stage.dir}-{backend}.log"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"STAGE": stage.dir, "STATEMENT_COUNTS_JSON": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    if backend == "postgresql":
        env["DATABASE_URL"] = pg_url(None)  # without it, the test takes a SQLite file of its own
    args = [str(stage_python(stage)), "-m", "pytest", "tests/stage/test_statement_counts.py", "-q"]
    done = subprocess.run(
        [*args, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    log.write_text(done.stdout + done.stderr)
    if not out.exists():
        raise HarnessError(f"statement counts for {stage.dir} on {backend} were not written:\n{tail(log)}")
    counts: dict[str, Any] = json.loads(out.read_text())
    counts["database"] = backend
    counts["passed"] = done.returncode == 0
    return counts
