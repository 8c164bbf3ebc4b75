"""The pieces the fixtures in conftest.py are made of: snapshot files, the harness's own database connection,
arrange steps through the API, and the stage under a real uvicorn process.
"""

import importlib
import os
import re
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TypedDict

import httpx
import sqlalchemy as sa
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tools import stages
from tools.server import Uvicorn

# syrupy extensions: each response body in its own file, so that a change reads as a normal diff.


class HTMLSnapshot(SingleFileSnapshotExtension):
    file_extension = "html"
    _write_mode = WriteMode.TEXT


class JSONSnapshot(SingleFileSnapshotExtension):
    file_extension = "json"
    _write_mode = WriteMode.TEXT


class TextSnapshot(SingleFileSnapshotExtension):
    file_extension = "txt"
    _write_mode = WriteMode.TEXT


def sync_engine(database_url: str) -> sa.Engine:
    """The harness's own synchronous connection to a database, whatever driver the stage uses."""
    url = sa.make_url(database_url)
    return sa.create_engine(url.set(drivername=url.get_backend_name()))


def empty_tables(engine: sa.Engine) -> None:
    tables = importlib.import_module("models").Base.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:  # SQLite reuses ids from max(id) + 1, so an empty table starts again at 1
            for table in reversed(tables):
                conn.execute(table.delete())


class Blog:
    """Arrange steps: users and posts are created through the API, on any client of the app.

    With the frozen clock, each post is a minute after the one before it, so "newest first" has an order.
    """

    def __init__(self, client: httpx.AsyncClient, clock=None) -> None:
        self.client = client
        self.clock = clock

    async def user(self, username: str, email: str | None = None) -> dict:
        email = email or f"{username.lower()}@example.com"
        response = await self.client.post("/api/users", json={"username": username, "email": email})
        assert response.status_code == 201, response.text
        return response.json()

    async def post(self, user: dict, title: str, content: str = "Some words.") -> dict:
        if self.clock is not None:
            self.clock.shift(timedelta(minutes=1))
        body = {"title": title, "content": content, "user_id": user["id"]}
        response = await self.client.post("/api/posts", json=body)
        assert response.status_code == 201, response.text
        return response.json()


class LiveServer(Uvicorn):
    """The stage under uvicorn, with the harness's own connection (`db`) to the server's database.

    On SQLite the server gets a database file of its own; on PostgreSQL it shares the test database.
    """

    def __init__(
        self, stage: stages.Stage, workdir: Path, *, via: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        """`via`: the app reaches PostgreSQL through this host:port (a Relay) instead of directly. `env`: more
        environment; with FAULTS set, the app runs with the faults of faults.py armed."""
        url = sa.make_url(os.environ["DATABASE_URL"])
        sqlite = url.get_backend_name() == "sqlite"
        database_url = f"sqlite:///{workdir / 'live.db'}" if sqlite else os.environ["DATABASE_URL"]
        app_url = sa.make_url(database_url)
        if via is not None:
            host, port = via.rsplit(":", 1)
            app_url = app_url.set(host=host, port=int(port))
        env = {"DATABASE_URL": app_url.render_as_string(hide_password=False), **(env or {})}
        target = "main:app"
        if "FAULTS" in env:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
            )
            target = "faults:app"
        super().__init__(stage.path, env=env, log_path=workdir / "uvicorn.log", target=target)
        self.db = sync_engine(database_url)


@contextmanager
def serving(stage: stages.Stage, workdir: Path, **options) -> Iterator[LiveServer]:
    """The stage under uvicorn, on empty tables, always stopped. `options`: LiveServer's keyword arguments."""
    server = LiveServer(stage, workdir, **options)
    try:
        server.start()
        empty_tables(server.db)
        yield server
    finally:
        server.stop()
        server.db.dispose()


class Relay:
    """A TCP relay on loopback between the app and PostgreSQL, that can stop forwarding.

    stall(): every relayed connection is cut, and every new one is accepted and then never answered, as a
    database host that vanished from the network leaves it. resume(): new connections are relayed again.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.stalled = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self.lock:
                self.sockets.append(client)
                if self.stalled:
                    continue  # black-holed: accepted, never read, never answered
                server = socket.create_connection(self.upstream)
                self.sockets.append(server)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stall(self) -> None:
        with self.lock:
            self.stalled = True
            for end in self.sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()

    def resume(self) -> None:
        with self.lock:
            self.stalled = False

    def close(self) -> None:
        self.stall()
        self.listener.close()


# Reading the tests' own tables and the responses


def titles(html: str) -> list[str]:
    """The titles of the posts a page lists, in order."""
    return re.findall(r'<h2><a href="/posts/\d+">(.*?)</a></h2>', html)


class Cases(TypedDict):
    """The keyword arguments of pytest.mark.parametrize that cases() gives."""

    argvalues: list[object]
    ids: list[str]


def cases(table: Mapping[str, object]) -> Cases:
    """Parametrize with a table of {test id: (argument values...)}, or {test id: value} for one argument."""
    return {"argvalues": list(table.values()), "ids": list(table)}


def said(response: httpx.Response) -> tuple[int, str | list[str]]:
    """The status and the error's detail; for a 422, where it lays the blame: ["body.title"], ..."""
    detail = response.json()["detail"]
    if isinstance(detail, list):
        detail = [".".join(str(part) for part in error["loc"]) for error in detail]
    return response.status_code, detail
