"""A stage's app under uvicorn, in a process of its own: start it, know when it answers, signal it, stop it.

uvicorn runs from inside the stage's directory, as `uvicorn main:app` would. With port 0 it binds a free
port itself, and the address it prints is read back from its output, so no other process can take the port
between choosing and binding it. Standard library only: it runs in any stage's virtualenv.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

UVICORN = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1"]
STARTUP_SECONDS = 30
SHUTDOWN_SECONDS = 20
# uvicorn prints this once it serves, with the port it bound: "Uvicorn running on http://127.0.0.1:8000 ..."
RUNNING_ON = "Uvicorn running on "


class Uvicorn:
    def __init__(
        self,
        stage_path: Path,
        *,
        env: dict[str, str] | None = None,
        port: int = 0,
        log_path: Path | None = None,
        args: tuple[str, ...] = ("--no-access-log",),
        own_session: bool = False,
        target: str = "main:app",
    ) -> None:
        """`log_path`: where uvicorn writes (None: this process's own output; then `port` must be given).
        `own_session`: uvicorn gets no signal from the terminal; only `signal()` and `stop()` reach it."""
        if port == 0 and log_path is None:
            raise ValueError("with port 0 the port is read from uvicorn's output: give a log_path")
        self.stage_path = stage_path
        self.env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
        self.requested_port = port
        self.port = port
        self.log_path = log_path
        self.args = args
        self.target = target
        self.own_session = own_session
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{port}"
        self._log_start = 0  # what the log held before this start: a port printed earlier is not this one

    def start(self, ready_path: str = "/openapi.json") -> None:
        """Start uvicorn; return once `ready_path` answers 200, or raise with uvicorn's output."""
        self.port = self.requested_port
        self._log_start = len(self.log())
        output = self.log_path.open("ab") if self.log_path else None
        try:
            self.process = subprocess.Popen(
                [*UVICORN, self.target, "--port", str(self.port), *self.args],
                cwd=self.stage_path,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=self.own_session,
            )
        finally:
            if output:
                output.close()
        if not self._wait_until_ready(ready_path):
            self.stop()
            raise RuntimeError(
                f"uvicorn did not answer {ready_path} within {STARTUP_SECONDS} s:\n{self.log()}"
            )

    def _wait_until_ready(self, ready_path: str) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process and self.process.poll() is None:
            if self.port == 0:
                self._read_port()
            if self.port and answers(self.url + ready_path):
                return True
            time.sleep(0.1)
        return False

    def _read_port(self) -> None:
        for line in self.log()[self._log_start :].splitlines():
            if RUNNING_ON in line:
                self.url = line.split(RUNNING_ON, 1)[1].split()[0]
                self.port = int(self.url.rsplit(":", 1)[1])

    def signal(self, signum: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout: float | None = SHUTDOWN_SECONDS) -> int:
        assert self.process is not None, "uvicorn was not started"
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if uvicorn has not exited in time: the process never outlives its user."""
        if self.process is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=SHUTDOWN_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            status: int = response.status  # urlopen() is typed Any: it returns an HTTPResponse for http URLs
            return status == 200
    except (urllib.error.URLError, OSError):
        return False
