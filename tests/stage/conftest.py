"""The shared suite runs against one stage per process.

nox sets STAGE (a number or a directory from stages/stages.toml) and, for PostgreSQL, DATABASE_URL.
The stage's directory goes on sys.path in this process only, so ``import main`` is that stage's app.
"""

import importlib
import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import time_machine
from asgi_lifespan import LifespanManager

from liveserver import LiveServer
from snapshots import HTMLSnapshot, JSONSnapshot, TextSnapshot

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import stages  # noqa: E402

if "STAGE" not in os.environ:
    raise pytest.UsageError(
        "set STAGE to a stage number or directory, e.g. STAGE=00 (nox -s stage does this)"
    )
STAGE = stages.find(os.environ["STAGE"])
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='golden-')}/blog.db")
sys.path.insert(0, str(STAGE.path))

START = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
UNRECORDED_HEADERS = {"date", "server", "content-length", "etag", "last-modified"}
TALLIES = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TALLIES] = []
    if config.getoption("--snapshot-update", default=False) and not STAGE.golden:
        raise pytest.UsageError(
            f"snapshots are recorded from the golden stage ({stages.golden().dir}) only; "
            f"stage {STAGE.dir} is compared read-only. Fix the stage, not the snapshot."
        )


def pytest_report_header() -> str:
    backend = sa.make_url(os.environ["DATABASE_URL"]).get_backend_name()
    return f"stage: {STAGE.dir} ({STAGE.title}); database: {backend}"


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.stash.get(TALLIES, None):
        terminalreporter.section(f"requests sent, 5xx seen, rows lost ({STAGE.dir})")
        for line in config.stash[TALLIES]:
            terminalreporter.line(line)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def stage() -> stages.Stage:
    return STAGE


@pytest.fixture(scope="session")
def app():
    return importlib.import_module("main").app


@pytest.fixture(scope="session")
def harness_engine():
    """The harness's own synchronous connection, whatever driver the stage uses.

    The tables are dropped and created again from the stage's models first: a table left by an older run
    would keep its old constraints, since create_all never alters a table that exists.
    """
    url = sa.make_url(os.environ["DATABASE_URL"])
    engine = sa.create_engine(url.set(drivername=url.get_backend_name()))
    metadata = importlib.import_module("models").Base.metadata
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def empty_tables(engine: sa.Engine) -> None:
    tables = importlib.import_module("models").Base.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:  # SQLite reuses ids from max(id) + 1, so an empty table starts again at 1
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def clock():
    """A frozen clock; scenarios move it forward so that "newest first" has an order to show."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def client(app, harness_engine, clock):
    async with LifespanManager(app) as manager:
        empty_tables(harness_engine)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
def check(snapshot):
    """Compare a response with the golden set: status and headers, then the body in its own file."""

    def check(response: httpx.Response) -> None:
        headers = {k: v for k, v in response.headers.items() if k not in UNRECORDED_HEADERS}
        assert {"status": response.status_code, "headers": headers} == snapshot
        content_type = response.headers.get("content-type", "")
        if not response.content:
            return
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

    return check


class Blog:
    """Arrange steps for scenarios: create through the API, a minute apart on the frozen clock."""

    def __init__(self, client: httpx.AsyncClient, clock) -> None:
        self.client = client
        self.clock = clock

    async def user(self, username: str, email: str | None = None) -> dict:
        email = email or f"{username.lower()}@example.com"
        response = await self.client.post("/api/users", json={"username": username, "email": email})
        assert response.status_code == 201, response.text
        return response.json()

    async def post(self, user: dict, title: str, content: str = "Some words.") -> dict:
        self.clock.shift(timedelta(minutes=1))
        body = {"title": title, "content": content, "user_id": user["id"]}
        response = await self.client.post("/api/posts", json=body)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def blog(client, clock) -> Blog:
    return Blog(client, clock)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, harness_engine):
    """The stage under a real uvicorn process, shared by the tests of one module and always stopped.

    It depends on harness_engine so that on PostgreSQL the shared tables are fresh before it starts.
    """
    workdir = tmp_path_factory.mktemp("live")
    url = sa.make_url(os.environ["DATABASE_URL"])
    database_url = f"sqlite:///{workdir / 'live.db'}" if url.get_backend_name() == "sqlite" else str(url)
    server = LiveServer(STAGE.path, database_url, workdir)
    try:
        server.start()
        empty_tables(server.db)
        yield server
    finally:
        server.stop()
        server.db.dispose()


@pytest.fixture
def live(live_server) -> LiveServer:
    """The live server, with empty tables at the start of the test."""
    empty_tables(live_server.db)
    return live_server


@pytest.fixture
def tally(request):
    """One line of counts (requests sent, 5xx seen, rows lost): printed now (-s) and in the run's summary."""

    def tally(line: str) -> None:
        line = f"{request.node.name}: {line}"
        request.config.stash[TALLIES].append(line)
        print(line)

    return tally
