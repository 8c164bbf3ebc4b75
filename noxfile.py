"""Every workflow of this repository is a nox session. `nox -l` lists them.

Stages come from stages/stages.toml (tools/stages.py); no session knows a stage by its number.
"""

import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
import stages as manifest  # noqa: E402

nox.options.default_venv_backend = "uv|virtualenv"
# `nox` with no arguments: everything that needs nothing but Python (SQLite, no browser required).
nox.options.sessions = ["lint", "repo", "stage", "own", "recipes(sqlite)", "asynccheck"]

STAGES = manifest.load()
WITH_OWN_TESTS = [stage for stage in STAGES if stage.own_tests]
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUFF = "ruff==0.17.5"


def stage_param(stages):
    return nox.parametrize("stage", [nox.param(stage, id=stage.number) for stage in stages])


def install_stage(session: nox.Session, stage: manifest.Stage, *requirements: Path) -> None:
    """A stage sees only the dependencies its own requirements file adds, plus the test harness."""
    args = ["-r", str(stage.path / "requirements.txt")]
    for extra in requirements:
        args += ["-r", str(extra)]
    session.install(*args)


def run_golden(session: nox.Session, stage: manifest.Stage, database_url: str, *extra: str) -> None:
    install_stage(session, stage, ROOT / "tests" / "requirements.txt")
    env = {"STAGE": stage.dir, "DATABASE_URL": database_url}
    session.run("pytest", "tests/stage", "-p", "no:cacheprovider", *extra, *session.posargs, env=env)


def sqlite_url(session: nox.Session) -> str:
    return f"sqlite:///{Path(session.create_tmp()) / 'golden.db'}"


@nox.session
@stage_param(STAGES)
def stage(session: nox.Session, stage: manifest.Stage) -> None:
    """Run the shared snapshot suite against one stage on SQLite (all stages: `nox -s stage`)."""
    (Path(session.create_tmp()) / "golden.db").unlink(missing_ok=True)
    run_golden(session, stage, sqlite_url(session))


@nox.session
@stage_param(STAGES)
def stage_pg(session: nox.Session, stage: manifest.Stage) -> None:
    """The same suite and the same snapshots on PostgreSQL ($POSTGRES_URL, default 127.0.0.1:5432/test)."""
    run_golden(session, stage, POSTGRES_URL)


# Examples per API operation; the short run inside `stage` uses tests/stage/test_fuzz.py's default.
FUZZ_EXAMPLES = "50"


@nox.session
@nox.parametrize(
    ["stage", "database"],
    [nox.param(stage, db, id=f"{stage.number}-{db}") for stage in STAGES for db in ("sqlite", "postgresql")],
)
def fuzz(session: nox.Session, stage: manifest.Stage, database: str) -> None:
    """The schemathesis run at length, for one stage on one database (all of them: `nox -s fuzz`)."""
    install_stage(session, stage, ROOT / "tests" / "requirements.txt")
    if database == "sqlite":
        (Path(session.create_tmp()) / "golden.db").unlink(missing_ok=True)
    url = sqlite_url(session) if database == "sqlite" else POSTGRES_URL
    env = {"STAGE": stage.dir, "DATABASE_URL": url, "FUZZ_EXAMPLES": FUZZ_EXAMPLES}
    session.run("pytest", "tests/stage/test_fuzz.py", "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
def snapshots(session: nox.Session) -> None:
    """Re-record the golden snapshots. Only from the golden stage: every other stage is compared read-only."""
    golden = manifest.golden()
    if session.posargs and not session.posargs[0].startswith("-"):
        if manifest.find(session.posargs[0]) != golden:
            session.error(f"snapshots are recorded from {golden.dir} only; fix the stage, not the snapshot")
        session.posargs.pop(0)
    run_golden(session, golden, sqlite_url(session), "--snapshot-update")


@nox.session
@stage_param(WITH_OWN_TESTS)
def own(session: nox.Session, stage: manifest.Stage) -> None:
    """A stage's own test suite (the tests a user writes for their async app), on SQLite."""
    install_stage(session, stage, stage.path / "requirements-dev.txt")
    session.chdir(stage.path)
    session.run("pytest", stage.own_tests, "-p", "no:cacheprovider", *session.posargs)


@nox.session
@stage_param(WITH_OWN_TESTS)
def own_pg(session: nox.Session, stage: manifest.Stage) -> None:
    """A stage's own test suite on PostgreSQL."""
    install_stage(session, stage, stage.path / "requirements-dev.txt")
    session.chdir(stage.path)
    env = {"DATABASE_URL": POSTGRES_URL}
    session.run("pytest", stage.own_tests, "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
@nox.parametrize("database", [nox.param(db, id=db) for db in ("sqlite", "postgresql")])
def recipes(session: nox.Session, database: str) -> None:
    """What MIGRATION.md gives readers to copy: the db.query() -> select() table and the whole conftest."""
    session.install("-r", "tests/recipes/requirements.txt")
    url = sqlite_url(session) if database == "sqlite" else POSTGRES_URL
    env = {"DATABASE_URL": url}
    session.run("pytest", "tests/recipes", "-p", "no:cacheprovider", "-W", "error", *session.posargs, env=env)


@nox.session
def repo(session: nox.Session) -> None:
    """Repository checks: the manifest and stage diffs, the git tags, MIGRATION.md against the code."""
    session.install("-r", "tests/repo/requirements.txt")
    session.run("pytest", "tests/repo", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def serve(session: nox.Session) -> None:
    """Run a stage with uvicorn on http://127.0.0.1:8000: `nox -s serve -- 04` (default: the newest)."""
    stage = manifest.find(session.posargs[0]) if session.posargs else STAGES[-1]
    install_stage(session, stage)
    session.chdir(stage.path)
    session.log(f"serving {stage.dir}: {stage.title}")
    session.run("uvicorn", "main:app", "--host", "127.0.0.1", "--port", "8000", *session.posargs[1:])


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark the stages marked bench = true (needs wrk and PostgreSQL): results in bench/report/.

    The full run takes about 20 minutes; `nox -s bench -- --quick` takes seconds and fails if the harness
    is broken (CI runs it).
    """
    session.install("-r", "bench/requirements.txt")
    session.run("python", "bench/run.py", *session.posargs, env={"POSTGRES_URL": POSTGRES_URL})


@nox.session(python=False)
def diff(session: nox.Session) -> None:
    """Show one step of the migration: `nox -s diff -- 04` diffs stage 03 against stage 04."""
    if not session.posargs:
        session.error("name a stage: nox -s diff -- 04")
    stage = manifest.find(session.posargs[0])
    before = manifest.previous(stage)
    if before is None:
        session.error(f"{stage.dir} is the baseline; it has no previous stage")
    color = "--color=always" if sys.stdout.isatty() else "--color=never"
    session.run(
        "git", "diff", "--no-index", color, "--stat", "--patch",
        f"stages/{before.dir}", f"stages/{stage.dir}",
        success_codes=[0, 1], external=True,
    )  # fmt: skip


@nox.session(python=False)
def tags(session: nox.Session) -> None:
    """Build the linear `stages` branch (one commit per stage) and tags stage-00 ... from HEAD."""
    session.run(sys.executable, "tools/tags.py", *session.posargs, external=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Regenerate MIGRATION.md's excerpts and README.md's stage table from the stages (repo checks them)."""
    session.run("python", "tools/guide.py", "--write", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Check your own app with asynccheck: `nox -s check -- path/to/app`; findings point into MIGRATION.md."""
    if not session.posargs:
        session.error("name the app to check: nox -s check -- PATH... (a folder of the app, or Python files)")
    session.install(".")
    session.run("asynccheck", *session.posargs)


@nox.session
def asynccheck(session: nox.Session) -> None:
    """asynccheck's own tests: its rules on the stages and on its test apps, with their snapshots."""
    session.install("-r", "tests/asynccheck/requirements.txt", ".")
    session.run("pytest", "tests/asynccheck", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def bench_check(session: nox.Session) -> None:
    """How fast asynccheck checks a generated app of 2,000 modules (target: under 5 s)."""
    session.install(".")
    session.run("python", "bench/asynccheck_bench.py", *session.posargs)
