"""The shared suite runs against one stage per process.

nox sets STAGE (a number or a directory from stages/stages.toml) and, for PostgreSQL, DATABASE_URL.
The stage's directory goes on sys.path in this process only, so ``import main`` is that stage's app.
Without DATABASE_URL the run gets a SQLite file in a temporary directory, removed when the run ends.
"""

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import time_machine
from asgi_lifespan import LifespanManager

from harness import (
    Blog,
    HTMLSnapshot,
    JSONSnapshot,
    LiveServer,
    TextSnapshot,
    empty_tables,
    serving,
    sync_engine,
)
from tools import stages

START = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
UNRECORDED_HEADERS = {"date", "server", "content-length", "etag", "last-modified"}
STAGE = pytest.StashKey[stages.Stage]()
TALLIES = pytest.StashKey[dict[str, str]]()
SCRATCH = pytest.StashKey[tempfile.TemporaryDirectory]()


def pytest_configure(config: pytest.Config) -> None:
    if "STAGE" not in os.environ:
        raise pytest.UsageError(
            "set STAGE to a stage number or directory, e.g. STAGE=00 (nox -s stage does this)"
        )
    stage = config.stash[STAGE] = stages.find(os.environ["STAGE"])
    config.stash[TALLIES] = {}
    config.addinivalue_line("markers", "errors_as_responses: `client` returns a 500 instead of raising it")
    if config.getoption("--snapshot-update", default=False) and not stage.golden:
        raise pytest.UsageError(
            f"snapshots are recorded from the golden stage ({stages.golden().dir}) only; "
            f"stage {stage.dir} is compared read-only. Fix the stage, not the snapshot."
        )
    if "DATABASE_URL" not in os.environ:
        scratch = config.stash[SCRATCH] = tempfile.TemporaryDirectory(prefix="golden-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/blog.db"
    sys.path.insert(0, str(stage.path))


def pytest_unconfigure(config: pytest.Config) -> None:
    if SCRATCH in config.stash:
        del os.environ["DATABASE_URL"]
        config.stash[SCRATCH].cleanup()


def pytest_report_header(config: pytest.Config) -> str:
    stage = config.stash[STAGE]
    backend = sa.make_url(os.environ["DATABASE_URL"]).get_backend_name()
    return f"stage: {stage.dir} ({stage.title}); database: {backend}"


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.stash.get(TALLIES, None):
        terminalreporter.section(f"requests sent, 5xx seen, rows lost ({config.stash[STAGE].dir})")
        for label, line in config.stash[TALLIES].items():
            terminalreporter.line(f"{label}: {line}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With STATEMENT_COUNTS_JSON set, write the counts of test_statement_counts.py there (for bench)."""
    target = os.environ.get("STATEMENT_COUNTS_JSON")
    recorded = [
        value
        for item in session.items
        for key, value in item.user_properties
        if key == "statements" and isinstance(value, dict)  # test_statement_counts.py records dicts
    ]
    if target and recorded:
        stage = session.config.stash[STAGE]
        keys = ("small", "large", "most_repeated", "driver_calls")
        counts = {found["endpoint"]: {key: found[key] for key in keys} for found in recorded}
        result = {
            "stage": stage.dir,
            "lazy_raise": stage.lazy_raise,
            "sizes": recorded[0]["sizes"],
            "counts": counts,
        }
        Path(target).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def stage(pytestconfig) -> stages.Stage:
    return pytestconfig.stash[STAGE]


@pytest.fixture(scope="session")
def app():
    return importlib.import_module("main").app


@pytest.fixture(scope="session")
def harness_engine():
    """The harness's connection to the test database.

    The tables are dropped and created again from the stage's models first: a table left by an older run
    would keep its old constraints, since create_all never alters a table that exists.
    """
    engine = sync_engine(os.environ["DATABASE_URL"])
    metadata = importlib.import_module("models").Base.metadata
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    """A frozen clock; scenarios move it forward so that "newest first" has an order to show."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def client(request, app, harness_engine, clock):
    """The stage's app in process, its lifespan running, on empty tables.

    An exception in the app fails the test, unless the test is marked `errors_as_responses`: then it gets
    the 500 response a server would send.
    """
    raises = request.node.get_closest_marker("errors_as_responses") is None
    async with LifespanManager(app) as manager:
        empty_tables(harness_engine)
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=raises)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client


@pytest.fixture
def check(snapshot):
    """Compare a response with the golden set: status and headers, then the body in its own file."""

    def check(response: httpx.Response) -> httpx.Response:
        """The response, once it has matched: `check(response).json()`."""
        headers = {k: v for k, v in response.headers.items() if k not in UNRECORDED_HEADERS}
        assert {"status": response.status_code, "headers": headers} == snapshot
        content_type = response.headers.get("content-type", "")
        if not response.content:
            return response
        if content_type.startswith("application/json"):
            data = response.json()
            # Byte for byte: the body is exactly the compact rendering of what the file shows.
            assert response.content == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
            pretty = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            assert pretty == snapshot(extension_class=JSONSnapshot)
        elif content_type.startswith("text/html"):
            assert response.text == snapshot(extension_class=HTMLSnapshot)
        else:
            assert response.text == snapshot(extension_class=TextSnapshot)
        return response

    return check


@pytest.fixture
def blog(client, clock) -> Blog:
    """Arrange steps on the in-process `client`."""
    return Blog(client, clock)


@pytest.fixture
async def sample(blog) -> tuple[dict, dict]:
    """Two authors, three posts a minute apart, with markup and non-ASCII text to escape and encode."""
    ada = await blog.user("ada")
    zoe = await blog.user("Zoë", "zoe@example.com")
    await blog.post(ada, "First steps", "Hello, world.\nA second line.")
    await blog.post(zoe, "Grüße aus Köln 👋", "Ünïcödé, 日本語 and an em dash —.")
    await blog.post(ada, "<script>alert('x')</script>", "<b>not bold</b> & 'quotes' \"too\"")
    return ada, zoe


@pytest.fixture
def blog_on() -> type[Blog]:
    """Arrange steps on another client, a live server's: `blog_on(http).user("ada")`."""
    return Blog


@pytest.fixture(scope="module")
def live_server(stage, tmp_path_factory, harness_engine) -> Iterator[LiveServer]:
    """The stage under a real uvicorn process, shared by the tests of one module and always stopped.

    It depends on harness_engine so that on PostgreSQL the shared tables are fresh before it starts.
    """
    with serving(stage, tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture
def live(live_server) -> LiveServer:
    """The live server, running (started again if a test stopped it), with empty tables."""
    if live_server.process is None or live_server.process.poll() is not None:
        live_server.start()
    empty_tables(live_server.db)
    return live_server


@pytest.fixture
def tally(request):
    """One line of counts (requests sent, 5xx seen, rows lost) for the run's summary, and printed now (-s).

    A later line under the same label replaces the earlier one: `tally(line, label="...")` keeps a running
    total over several tests.
    """

    def tally(line: str, label: str | None = None) -> None:
        label = label or request.node.name
        request.config.stash[TALLIES][label] = line
        print(f"{label}: {line}")

    return tally
