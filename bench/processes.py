"""Child processes: each in a process group of its own, stopped on the way out; ports and CPU time."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from bench import HarnessError


class Processes:
    """Every child in a process group of its own, so that stopping it stops whatever it started too."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], *, log: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                **kwargs,
            )  # fmt: skip
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
        """SIGTERM to its group, SIGKILL after `grace_s` seconds (at once with 0)."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM if grace_s else signal.SIGKILL)
            try:
                proc.wait(grace_s or None)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.running)):
            self.stop(proc, grace_s=3.0)


# The one registry of this run's children: run.py stops them all on the way out.
PROCESSES = Processes()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HarnessError(f"process exited with {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise HarnessError(f"nothing listens on port {port} after {timeout_s:.0f} s:\n{tail(log)}")


def tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# The processes of each group, as last found in /proc, and when: scanning /proc takes 15 ms or more on a busy
# machine, and cpu_seconds runs several times after every run. A server's group does not change while it
# runs (uvicorn starts its workers at startup), so a list is kept for GROUP_SCAN_S.
GROUP_SCAN_S = 10.0
_groups: dict[int, tuple[float, list[Path]]] = {}


def group_stats(pgid: int) -> list[Path]:
    """/proc/PID/stat of every process in the group (a process's stat counts all its threads)."""
    found = _groups.get(pgid)
    if found is None or time.monotonic() - found[0] > GROUP_SCAN_S:
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended meanwhile
            if int(fields[2]) == pgid:
                members.append(stat)
        found = _groups[pgid] = (time.monotonic(), members)
    return found[1]


def cpu_seconds(pgid: int) -> float:
    """User + system CPU time of a process group (every thread of a server and of its workers), from /proc."""
    ticks = 0
    for stat in group_stats(pgid):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, float]:
    """A process's resident memory now (`rss`) and at its peak so far (`peak`, the kernel's VmHWM), in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found["rss" if key == "VmRSS" else "peak"] = round(int(value.split()[0]) * 1024 / 1e6, 1)
    return found


def wait_until_idle(pid: int, limit_s: float) -> tuple[bool, float]:
    """Wait until the process stops working off requests left over from a run: (idle, seconds waited)."""
    started = time.monotonic()
    quiet, last = 0, cpu_seconds(pid)
    while time.monotonic() - started < limit_s:
        time.sleep(0.05)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.01 else 0
        last = now
        if quiet >= 2:
            return True, time.monotonic() - started
    return False, time.monotonic() - started
