"""SQL statements per request, counted by tests/stage/test_statement_counts.py in the stage's virtualenv."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from bench import ROOT, WORK, HarnessError
from bench.environment import stage_python
from bench.processes import tail
from tools import stages as manifest


def count_statements(stage: manifest.Stage, out: Path) -> dict[str, Any]:
    """Run the test, which writes the counts it saw to `out`; they come back with the verdict, `passed`."""
    out.unlink(missing_ok=True)
    log = WORK / "logs" / f"counts-{stage.dir}.log"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"STAGE": stage.dir, "STATEMENT_COUNTS_JSON": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [str(stage_python(stage)), "-m", "pytest", "tests/stage/test_statement_counts.py", "-q"]
    done = subprocess.run(
        [*args, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    log.write_text(done.stdout + done.stderr)
    if not out.exists():
        raise HarnessError(f"statement counts for {stage.dir} were not written:\n{tail(log)}")
    counts: dict[str, Any] = json.loads(out.read_text())
    counts["passed"] = done.returncode == 0
    return counts
