"""Mutation testing from a curated list: does the shared suite catch each deliberate bug?

`nox -s mutants -- STAGE [postgresql]` runs `python -m tools.mutants STAGE_DIR [DATABASE_URL]` in the stage's
virtualenv. tests/mutants.toml lists the mutations: a file (relative to the repository, so each names its
stage by directory), a text that must occur exactly once in it, its replacement, why the change is a bug,
and the tests that should catch it, the fastest first. For each mutation of the stage's files, a copy of the
repository (never the working tree) gets the change, and pytest runs those tests against the stage with
`-x`. A mutation is caught when a test fails; the run fails if any survives, if a text no longer occurs once
(the list is stale), or if the tests do not pass on the unchanged copy first.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools import stages

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tests" / "mutants.toml"
# What the copy leaves out: virtualenvs, caches, the benchmark's work files, git's own data.
PYTEST_USAGE_ERROR, PYTEST_NO_TESTS = 4, 5  # a selection that names no test judges nothing
PLUGINS = ["-p", "anyio", "-p", "syrupy"]
NOT_COPIED = shutil.ignore_patterns(".git", ".nox", ".venv", "*_cache", "__pycache__", "work", "*.db")


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    find: str
    replace: str
    why: str
    tests: tuple[str, ...]


def load(path: Path = LIST) -> list[Mutant]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["mutant"]
    return [Mutant(**{**entry, "tests": tuple(entry["tests"])}) for entry in entries]


def of_stage(mutants: list[Mutant], stage: stages.Stage) -> list[Mutant]:
    prefix = f"stages/{stage.dir}/"
    return [mutant for mutant in mutants if mutant.file.startswith(prefix)]


def mutated(text: str, mutant: Mutant) -> str:
    found = text.count(mutant.find)
    if found != 1:
        raise SystemExit(f"{mutant.name}: {mutant.find!r} occurs {found} times in {mutant.file}, not once")
    return text.replace(mutant.find, mutant.replace)


def pytest(
    copy: Path, stage: stages.Stage, database_url: str | None, tests: tuple[str, ...], log: Path
) -> tuple[int, list[str]]:
    """Run the tests in the copy against the stage, stopping at the first failure: (exit code, failures)."""
    # Only the plugins the shared suite uses: schemathesis's and hypothesis's take seconds to import.
    env = {**os.environ, "STAGE": stage.dir, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("DATABASE_URL", None)  # SQLite: conftest makes a new file for the run
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", *PLUGINS, *tests]
    with log.open("w") as out:
        code = subprocess.run(command, cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    failures = re.findall(r"^(?:FAILED|ERROR) (\S+)", log.read_text(errors="replace"), flags=re.M)
    return code, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="a stage number or directory")
    parser.add_argument("database_url", nargs="?", help="PostgreSQL's URL; SQLite without it")
    args = parser.parse_args()
    stage = stages.find(args.stage)
    chosen = of_stage(load(), stage)
    if not chosen:
        raise SystemExit(f"{LIST.relative_to(ROOT)} has no mutation of stages/{stage.dir}/")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        copy = Path(scratch) / "repo"
        shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
        logs = Path(scratch) / "logs"
        logs.mkdir()
        # Every text must occur once before anything runs; then the tests must pass without a mutation.
        for mutant in chosen:
            mutated((copy / mutant.file).read_text(encoding="utf-8"), mutant)
        selection = tuple(dict.fromkeys(test for mutant in chosen for test in mutant.tests))
        code, failures = pytest(copy, stage, args.database_url, selection, logs / "unmutated.log")
        if code != 0:
            print((logs / "unmutated.log").read_text(errors="replace")[-5000:])
            raise SystemExit(f"the tests fail on the unchanged stage ({failures}): no mutation can be judged")
        print(f"{len(chosen)} mutations of stages/{stage.dir}/ (the tests pass unchanged)", flush=True)
        survivors = []
        for number, mutant in enumerate(chosen, 1):
            path = copy / mutant.file
            original = path.read_text(encoding="utf-8")
            path.write_text(mutated(original, mutant), encoding="utf-8")
            began = time.monotonic()
            try:
                code, failures = pytest(copy, stage, args.database_url, mutant.tests, logs / f"{number}.log")
            finally:
                path.write_text(original, encoding="utf-8")
            took = time.monotonic() - began
            if code == 0:
                verdict = "SURVIVED"
                survivors.append(mutant.name)
            elif code not in (PYTEST_USAGE_ERROR, PYTEST_NO_TESTS):
                verdict = f"caught by {failures[0] if failures else f'pytest (exit code {code})'}"
            else:
                verdict = f"ERROR: pytest exited {code}"
                survivors.append(mutant.name)
                print((logs / f"{number}.log").read_text(errors="replace")[-3000:])
            print(f"{number:2}. {mutant.name} ({mutant.file}; {took:.0f} s): {verdict}", flush=True)
            print(f"      {mutant.why}", flush=True)
    print(f"{len(chosen) - len(survivors)} of {len(chosen)} caught in {time.monotonic() - started:.0f} s")
    if survivors:
        print(f"not caught: {', '.join(survivors)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
