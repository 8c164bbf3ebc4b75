"""Every workflow of this repository is a nox session. `nox -l` lists them.

Stages come from stages/stages.toml (tools/stages.py); no session knows a stage by its number.
A session that runs a suite against a stage takes the stage and the database: `nox -s "stage(04-sqlite)"`.
"""

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import nox

ROOT = Path(__file__).resolve().parent


def import_tools() -> None:
    """Import the repository's `tools` package. nox loads this file by its path without putting the folder on
    sys.path (`python -m nox` would), so the package is loaded by its path too, under its own name."""
    spec = importlib.util.spec_from_file_location("tools", ROOT / "tools" / "__init__.py")
    assert spec is not None and spec.loader is not None
    sys.modules["tools"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["tools"])


import_tools()
from tools import stages as manifest  # noqa: E402

STAGES = manifest.load()
WITH_OWN_TESTS = [stage for stage in STAGES if stage.own_tests]
DATABASES = ("sqlite", "postgresql")
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


# examples/fullstack: the versions of one production-shaped app, each with its requirements and its own tests,
# all passing the behaviour suite in tests/fullstack. blockbuster: its tests fail on a call that blocks the
# event loop; absent: packages its environment must not have (the async version migrates without psycopg);
# over: the version holds only the files that differ from that one, laid over a copy of it.
class Version(NamedTuple):
    blockbuster: bool
    absent: tuple[str, ...] = ()
    over: str | None = None


FULLSTACK = {
    "sync": Version(blockbuster=False),
    "async": Version(blockbuster=True, absent=("psycopg",)),
    "async_sqlmodel": Version(blockbuster=True, absent=("psycopg",), over="async"),
}
RUFF = "ruff==0.17.5"
MYPY = "mypy==2.4.1"

nox.options.default_venv_backend = "uv|virtualenv"
# `nox` with no arguments: everything that needs nothing but Python (SQLite, no browser required).
nox.options.sessions = [
    "lint",
    "repo",
    *[f"stage({stage.number}-sqlite)" for stage in STAGES],
    *[f"own({stage.number}-sqlite)" for stage in WITH_OWN_TESTS],
    "recipes(sqlite)",
    *[f"fullstack({version}-sqlite)" for version in FULLSTACK],
    "asynccheck",
    "site",
]


def stage_param(stages: list[manifest.Stage]) -> Callable[[Any], Any]:
    """One session per database and stage: `04-sqlite`, ..., then `04-postgresql`, ..."""
    params = [nox.param(stage, db, id=f"{stage.number}-{db}") for db in DATABASES for stage in stages]
    return nox.parametrize(["stage", "database"], params)


def install_stage(session: nox.Session, stage: manifest.Stage, *requirements: Path) -> None:
    """A stage sees only the dependencies its own requirements file adds, plus the test harness."""
    args = ["-r", str(stage.path / "requirements.txt")]
    for extra in requirements:
        args += ["-r", str(extra)]
    session.install(*args)


BROWSER_REQUIREMENTS = ROOT / "tests" / "browser" / "requirements.txt"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's, which Playwright drives (apt-get install chromium)
# The databases on which a stage's pages are also rendered in chromium (tests/stage/test_browser.py). On
# PostgreSQL the same pages are compared byte for byte with the same golden snapshots: nothing new to see.
BROWSER_DATABASES = ("sqlite",)


def browser_python(session: nox.Session) -> str:
    """The Python of a virtualenv for the real-browser checks (tests/browser), built once and again whenever
    tests/browser/requirements.txt changes. Playwright needs greenlet, which a stage's own virtualenv before
    the async drivers must not have, so the browser side never runs in it."""
    venv = ROOT / ".nox" / "_browser"
    python, stamp = venv / "bin" / "python", venv / "installed-requirements.txt"
    wanted = BROWSER_REQUIREMENTS.read_text(encoding="utf-8")
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted:
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        session.run(uv, "venv", "--quiet", "--clear", "--python", sys.executable, str(venv), external=True)
        session.run(uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(BROWSER_REQUIREMENTS),
                    external=True)  # fmt: skip
        stamp.write_text(wanted, encoding="utf-8")
    return str(python)


def run_golden(
    session: nox.Session, stage: manifest.Stage, database_url: str, *extra: str, browser: bool = True
) -> None:
    install_stage(session, stage, ROOT / "tests" / "requirements.txt")
    env = {"STAGE": stage.dir, "DATABASE_URL": database_url}
    # tests/stage/test_browser.py drives chromium from a virtualenv of its own; without chromium it skips
    # (and says why), so that virtualenv is built only where chromium is, or where CI requires the test.
    if not browser:
        extra += ("--ignore", "tests/stage/test_browser.py")
    elif CHROMIUM.is_file() or os.environ.get("REQUIRE_BROWSER") == "1":
        env["BROWSER_PYTHON"] = browser_python(session)
    session.run("pytest", "tests/stage", "-p", "no:cacheprovider", *extra, *session.posargs, env=env)


def database_url(session: nox.Session, database: str = "sqlite") -> str:
    """A new SQLite file in the session's folder, or PostgreSQL ($POSTGRES_URL, default .../test)."""
    if database == "postgresql":
        return POSTGRES_URL
    path = Path(session.create_tmp()) / "golden.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


@nox.session
@stage_param(STAGES)
def stage(session: nox.Session, stage: manifest.Stage, database: str) -> None:
    """The shared snapshot suite against one stage on one database (`nox -s stage`: all, both databases)."""
    run_golden(session, stage, database_url(session, database), browser=database in BROWSER_DATABASES)


# Examples per API operation; the short run inside `stage` uses tests/stage/test_fuzz.py's default (CI runs
# the PostgreSQL stage sessions with this number too: .ci/run).
FUZZ_EXAMPLES = "50"


@nox.session
@stage_param(STAGES)
def fuzz(session: nox.Session, stage: manifest.Stage, database: str) -> None:
    """The schemathesis run at length, for one stage on one database (all of them: `nox -s fuzz`)."""
    install_stage(session, stage, ROOT / "tests" / "requirements.txt")
    env = {
        "STAGE": stage.dir,
        "DATABASE_URL": database_url(session, database),
        "FUZZ_EXAMPLES": FUZZ_EXAMPLES,
    }
    session.run("pytest", "tests/stage/test_fuzz.py", "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
def snapshots(session: nox.Session) -> None:
    """Re-record the golden snapshots. Only from the golden stage: every other stage is compared read-only."""
    golden = manifest.golden()
    if session.posargs and not session.posargs[0].startswith("-"):
        if manifest.find(session.posargs[0]) != golden:
            session.error(f"snapshots are recorded from {golden.dir} only; fix the stage, not the snapshot")
        session.posargs.pop(0)
    run_golden(session, golden, database_url(session), "--snapshot-update")


@nox.session
def mutants(session: nox.Session) -> None:
    """Deliberate bugs from tests/mutants.toml, one at a time in a copy of the repository: `nox -s mutants --
    04` (SQLite) or `-- 04 postgresql`; the newest stage without a stage. Fails if the shared suite lets one
    through (tools/mutants.py)."""
    stage = manifest.find(session.posargs[0]) if session.posargs else STAGES[-1]
    install_stage(session, stage, ROOT / "tests" / "requirements.txt")
    database = session.posargs[1:2] == ["postgresql"]
    session.run("python", "-m", "tools.mutants", stage.dir, *([POSTGRES_URL] if database else []))


@nox.session
@stage_param(WITH_OWN_TESTS)
def own(session: nox.Session, stage: manifest.Stage, database: str) -> None:
    """A stage's own test suite (the tests a user writes for their async app) on one database."""
    assert stage.own_tests is not None  # WITH_OWN_TESTS holds only the stages with their own tests
    install_stage(session, stage, stage.path / "requirements-dev.txt")
    # The suite's conftest points the app at TEST_DATABASE_URL (a SQLite file of its own by default).
    env = {"TEST_DATABASE_URL": POSTGRES_URL} if database == "postgresql" else {}
    session.chdir(stage.path)
    session.run("pytest", stage.own_tests, "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
@nox.parametrize("database", [nox.param(db, id=db) for db in DATABASES])
def recipes(session: nox.Session, database: str) -> None:
    """What the guide gives readers to copy: the db.query() -> select() table and the whole conftest."""
    session.install("-r", "tests/recipes/requirements.txt")
    env = {"DATABASE_URL": database_url(session, database)}
    session.run("pytest", "tests/recipes", "-p", "no:cacheprovider", "-W", "error", *session.posargs, env=env)


@nox.session
@nox.parametrize(
    ["version", "database"],
    [nox.param(version, db, id=f"{version}-{db}") for db in DATABASES for version in FULLSTACK],
)
def fullstack(session: nox.Session, version: str, database: str) -> None:
    """One version of examples/fullstack: its own test suite, then the behaviour suite every version passes
    (tests/fullstack: Alembic upgrade/downgrade/check, the start-up scripts, the API)."""
    folder = ROOT / "examples" / "fullstack" / version
    over = FULLSTACK[version].over
    if over is not None:
        folder = overlay(session, ROOT / "examples" / "fullstack" / over, folder)
    session.install("-r", str(folder / "requirements.txt"), "-r", str(folder / "requirements-dev.txt"))
    for package in FULLSTACK[version].absent:
        code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({package!r}) is not None)"
        session.run("python", "-c", code, silent=True)  # fails if the requirements brought it in
    env = {
        "DATABASE_URL": own_database(session, f"fullstack_{version}")
        if database == "postgresql"
        else database_url(session, database),
        "FULLSTACK_APP": str(folder),
        "FULLSTACK_BLOCKBUSTER": "1" if FULLSTACK[version].blockbuster else "0",
    }
    session.chdir(folder)
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs, env=env)
    session.chdir(ROOT)
    session.run("pytest", "tests/fullstack", "-p", "no:cacheprovider", *session.posargs, env=env)


def own_database(session: nox.Session, suffix: str) -> str:
    """A new, empty PostgreSQL database next to $POSTGRES_URL's, for an app whose tables (its own `users`)
    must not meet the blog's, which the stage sessions leave in $POSTGRES_URL's database."""
    parts = urlsplit(POSTGRES_URL)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        session.run("psql", POSTGRES_URL, "-qc", sql, external=True, silent=True)
    return urlunsplit(parts._replace(path=f"/{name}"))


def overlay(session: nox.Session, base: Path, changes: Path) -> Path:
    """A copy of `base` in the session's folder with the files of `changes` laid over it."""
    folder = Path(session.create_tmp()) / changes.name
    shutil.rmtree(folder, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "*.db")
    shutil.copytree(base, folder, ignore=skip)
    shutil.copytree(changes, folder, ignore=skip, dirs_exist_ok=True)
    return folder


@nox.session
def repo(session: nox.Session) -> None:
    """Repository checks: the manifest and stage diffs, the git tags, the guide (MIGRATION.md, docs/) against
    the code."""
    session.install("-r", "tests/repo/requirements.txt")
    session.run("pytest", "tests/repo", "-p", "no:cacheprovider", *session.posargs)


def mypy_runs() -> list[tuple[str, list[str], Path | None]]:
    """(name, what to check, MYPYPATH) of each mypy run. The stages, the stage suite and the recipes are flat
    apps with the same module names (main, database, conftest): each is checked on its own."""
    last = STAGES[-1]
    return [
        ("repository", ["noxfile.py", "asynccheck", "tools", "bench", "tests/repo"], None),
        *[(f"stage-{stage.number}", [str(stage.path.relative_to(ROOT))], None) for stage in STAGES],
        ("tests-stage", ["tests/stage"], last.path),  # the suite every stage runs, on the last stage's app
        ("tests-asynccheck", ["tests/asynccheck"], None),
        ("tests-recipes", ["tests/recipes"], None),  # with small_app, the app the recipe tests run
        ("tests-browser", ["tests/browser"], None),
    ]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository, then mypy (pyproject.toml's settings)."""
    # What mypy needs to see the real types: the last stage's packages and every test suite's and tool's.
    last = STAGES[-1]
    requirements = [
        last.path / "requirements.txt",
        *([last.path / "requirements-dev.txt"] if last.own_tests else []),
        "tests/requirements.txt",
        "tests/asynccheck/requirements.txt",
        "tests/recipes/requirements.txt",
        "tests/repo/requirements.txt",  # tools/requirements.txt, and nox for noxfile.py
        "bench/requirements.txt",
        "bench/requirements-stage.txt",  # pyinstrument, for bench/profile_app.py
        "requirements-site.txt",  # mkdocs, for tools/site_hooks.py
        BROWSER_REQUIREMENTS,  # playwright, for tests/browser
    ]
    session.install(RUFF, MYPY, *[arg for path in requirements for arg in ("-r", str(path))])
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    for name, paths, mypy_path in mypy_runs():
        env = {"MYPYPATH": str(mypy_path)} if mypy_path else {}
        session.run("mypy", "--cache-dir", f".mypy_cache/{name}", *paths, *session.posargs, env=env)


@nox.session
def serve(session: nox.Session) -> None:
    """Run a stage with uvicorn on http://127.0.0.1:8000: `nox -s serve -- 04` (default: the newest).

    An empty database gets a few demo users and posts first, through the API (tools/serve.py).
    """
    stage = manifest.find(session.posargs[0]) if session.posargs else STAGES[-1]
    install_stage(session, stage)
    session.log(f"serving {stage.dir}: {stage.title}")
    # Ctrl-C reaches tools/serve.py, which stops uvicorn and waits for it; nox waits as long.
    session.run("python", "-m", "tools.serve", stage.dir, *session.posargs[1:], interrupt_timeout=60)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark the stages marked bench = true (needs wrk and PostgreSQL): results in bench/report/.

    The full run takes about 25 minutes; `nox -s bench -- --quick` takes a minute or two and fails if the
    harness is broken (CI runs it).
    """
    session.install("-r", "bench/requirements.txt")
    session.run("python", "-m", "bench", *session.posargs, env={"POSTGRES_URL": POSTGRES_URL})


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
    """Build the linear `stage-history` branch (one commit per stage) and tags stage-00 ... from HEAD."""
    session.run(sys.executable, "-m", "tools.tags", *session.posargs, external=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Regenerate the excerpts of every page of the guide (MIGRATION.md, docs/**/*.md) and README.md's stage
    table from the stages, the benchmark numbers it quotes from bench/report/results.json, and asynccheck's
    codes (repo checks them)."""
    session.install("-r", "tools/requirements.txt")
    session.run("python", "-m", "tools.guide", "--write", *session.posargs)


SITE_ADDRESS = "127.0.0.1:8001"
QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's banner about its successor, on every build


@nox.session
def site(session: nox.Session) -> None:
    """Build the guide as a website (mkdocs.yml: mkdocs-material, the pages of docs/ and MIGRATION.md) into
    site/, with `--strict`: a broken link or a missing anchor fails. `nox -s site -- serve` serves it on
    http://127.0.0.1:8001 and rebuilds it on every change."""
    session.install("-r", "requirements-site.txt")
    if session.posargs[:1] == ["serve"]:
        session.run(
            "mkdocs", "serve", "--strict", "--dev-addr", SITE_ADDRESS, *session.posargs[1:], env=QUIET_MKDOCS
        )
    else:
        session.run("mkdocs", "build", "--strict", "--clean", *session.posargs, env=QUIET_MKDOCS)


@nox.session
def site_browser(session: nox.Session) -> None:
    """The built site in Debian's chromium (tests/browser/test_site.py): it opens offline, the navigation
    reaches every page, search finds what it should, a tab switches, and no page logs an error or links to
    a page or anchor that is not there. Without chromium it skips, unless REQUIRE_BROWSER=1 (CI)."""
    session.install("-r", "requirements-site.txt", "-r", str(BROWSER_REQUIREMENTS))
    built = Path(session.create_tmp()) / "site"
    session.run(
        "mkdocs", "build", "--strict", "--clean", "--quiet", "--site-dir", str(built), env=QUIET_MKDOCS
    )
    env = {"SITE_DIR": str(built)}
    session.run("pytest", "tests/browser/test_site.py", "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
def check(session: nox.Session) -> None:
    """Check your own app with asynccheck: `nox -s check -- path/to/app`; findings point into the guide."""
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
    """How fast asynccheck checks a generated app of 2,000 modules (target: under 5 s, in process and through
    the command line); a benchmark: it fails only when asynccheck itself does."""
    session.install(".")
    session.run("python", "-m", "bench.asynccheck_bench", *session.posargs)
