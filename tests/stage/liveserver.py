"""A stage served by a real uvicorn process, for the tests that need real connections and signals.

The server runs from inside the stage's directory, as `uvicorn main:app` would, on a free port of 127.0.0.1.
On SQLite it gets a fresh database file of its own; on PostgreSQL it shares the harness's test database, whose
tables are emptied once the server has created them. Its output goes to a log file the tests read.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

UVICORN = [sys.executable, "-m", "uvicorn", "main:app", "--no-access-log"]
STARTUP_SECONDS = 30
SHUTDOWN_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, stage_path: Path, database_url: str, workdir: Path) -> None:
        self.stage_path = stage_path
        self.database_url = database_url
        self.log_path = workdir / "uvicorn.log"
        self.process: subprocess.Popen | None = None
        self.url = ""
        # The harness's own synchronous connection to the server's database, whatever driver the stage uses.
        url = sa.make_url(database_url)
        self.db = sa.create_engine(url.set(drivername=url.get_backend_name()))

    def start(self) -> None:
        for _attempt in range(3):  # another process may take the free port before uvicorn binds it
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [*UVICORN, "--host", "127.0.0.1", "--port", str(port)],
                    cwd=self.stage_path,
                    env={**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_ready():
                return
            self.stop()
            if "address already in use" not in self.log().lower():
                break
        raise RuntimeError(f"uvicorn did not start:\n{self.log()}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=2).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def signal(self, signum: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout: float = SHUTDOWN_SECONDS) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if the server has not exited in time: the process never outlives the test."""
        if self.process is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=SHUTDOWN_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
