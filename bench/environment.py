"""What a run runs on: each stage's virtualenv and its package versions, the machine and the tools."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import BENCH, WORK, HarnessError
from tools import stages as manifest

# What every stage's virtualenv gets besides the stage's own requirements.txt.
STAGE_EXTRAS = BENCH / "requirements-stage.txt"
# The packages whose versions the report lists, where a stage has them.
VERSIONED = [
    "fastapi", "starlette", "pydantic", "uvicorn", "sqlalchemy", "greenlet",
    "psycopg", "asyncpg", "aiosqlite", "jinja2",
]  # fmt: skip


def uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    with contextlib.suppress(ImportError):
        from uv import find_uv_bin

        return str(find_uv_bin())
    raise HarnessError("uv not found: install bench/requirements.txt (nox -s bench does)")


def stage_venv(stage: manifest.Stage) -> Path:
    return WORK / "venvs" / stage.dir


def stage_python(stage: manifest.Stage) -> Path:
    return stage_venv(stage) / "bin" / "python"


def build_venv(stage: manifest.Stage) -> Path:
    """The stage's own requirements plus the harness extras, in bench/work/venvs/<stage>."""
    python = stage_python(stage)
    if not python.exists():
        subprocess.run([uv(), "venv", "-q", "--python", sys.executable, str(stage_venv(stage))], check=True)
    reqs = ["-r", str(stage.path / "requirements.txt"), "-r", str(STAGE_EXTRAS)]
    subprocess.run([uv(), "pip", "install", "-q", "--python", str(python), *reqs], check=True)
    # Compiled once here (uv installs no .pyc files): the servers run without writing any (servers.stage_env),
    # and a server that compiles FastAPI, Pydantic and SQLAlchemy from source at every start took 4 s to start
    # instead of 1.5 (the sweep restarts busy servers dozens of times).
    compile_all = [str(python), "-m", "compileall", "-q", "-j", "0", str(stage_venv(stage) / "lib")]
    subprocess.run(compile_all, check=True, stdout=subprocess.DEVNULL)
    return python


def stage_versions(stage: manifest.Stage) -> dict[str, str]:
    """The versions of VERSIONED, Python and SQLite in the stage's virtualenv."""
    code = (
        "import importlib.metadata as m, json, sqlite3, sys\n"
        f"names = {VERSIONED!r}\n"
        "found = {}\n"
        "for name in names:\n"
        "    try:\n"
        "        found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "found['python'] = sys.version.split()[0]\n"
        "found['sqlite'] = sqlite3.sqlite_version\n"
        "print(json.dumps(found))\n"
    )
    out = subprocess.run([str(stage_python(stage)), "-c", code], capture_output=True, text=True, check=True)
    versions: dict[str, str] = json.loads(out.stdout)
    return versions


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory_gib = round(kib / 1024**2, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def tool_versions() -> dict[str, str]:
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    versions = {"wrk": wrk_version[0].split(" Copyright")[0] if wrk_version else "unknown"}
    with contextlib.suppress(ImportError):
        import matplotlib

        versions["matplotlib"] = matplotlib.__version__
    versions["harness python"] = platform.python_version()
    return versions
