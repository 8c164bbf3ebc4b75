"""What one empty aiosqlite hand-off costs on this machine: the floor under every SQLite request of the async
stages, which hand each driver call to the thread that owns the sqlite3 connection and wait for the answer.

Run in the final stage's virtualenv, so that it times the aiosqlite and Python that stage serves with, on the
asyncio event loop of the headline configuration, while no server runs (bench/run.py, before the sweep):

    bench/work/venvs/07_testing/bin/python -m bench.handoff     # from the repository root; prints JSON

It times CALLS calls of a sqlite3 call that does nothing (`getlimit`) through an aiosqlite connection, each
awaited before the next as a request awaits its statements, and the same call on a sqlite3 connection
directly; ROUNDS times each, alternating. A hand-off's cost is the median round's time per call through
aiosqlite minus the direct one's: the queue to the thread, the thread's wake-up, and the answer's way back to
the event loop (call_soon_threadsafe, the loop's wake-up, the future). It goes through
aiosqlite.Connection._execute, the method every call on an open connection goes through (the one
tests/stage/test_statement_counts.py counts as hand-offs).
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

CALLS = 5_000  # about 0.1 s a round on a machine where a hand-off costs 20 us
ROUNDS = 7
WARMUP = 200


async def through_aiosqlite(calls: int, rounds: int) -> list[float]:
    """Seconds per call of each round, each call awaited before the next."""
    import aiosqlite

    async with aiosqlite.connect(":memory:") as conn:
        limit = sqlite3.SQLITE_LIMIT_LENGTH
        hand_off: Callable[[Callable[[], int]], Awaitable[int]] = conn._execute  # aiosqlite leaves it untyped

        def noop() -> int:
            return conn._conn.getlimit(limit)  # in aiosqlite's thread, which owns the connection

        for _ in range(WARMUP):
            await hand_off(noop)
        found = []
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(calls):
                await hand_off(noop)
            found.append((time.perf_counter() - started) / calls)
        return found


def direct(calls: int, rounds: int) -> list[float]:
    conn = sqlite3.connect(":memory:")
    try:
        limit = sqlite3.SQLITE_LIMIT_LENGTH
        for _ in range(WARMUP):
            conn.getlimit(limit)
        found = []
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(calls):
                conn.getlimit(limit)
            found.append((time.perf_counter() - started) / calls)
        return found
    finally:
        conn.close()


def measure(calls: int = CALLS, rounds: int = ROUNDS) -> dict[str, Any]:
    """Microseconds per call through aiosqlite and directly (medians of the rounds), and their difference."""
    handed, plain = [], []
    for _ in range(rounds):  # alternating, so that a busy moment of the machine hits both alike
        handed += asyncio.run(through_aiosqlite(calls, 1))
        plain += direct(calls, 1)
    aiosqlite_us, direct_us = statistics.median(handed) * 1e6, statistics.median(plain) * 1e6
    return {
        "calls": calls,
        "rounds": rounds,
        "aiosqlite_us": round(aiosqlite_us, 2),
        "direct_us": round(direct_us, 3),
        "cost_us": round(aiosqlite_us - direct_us, 2),
        "rounds_aiosqlite_us": [round(seconds * 1e6, 2) for seconds in handed],
        "aiosqlite": importlib.metadata.version("aiosqlite"),
        "python": platform.python_version(),
        "loop": "asyncio",
    }


if __name__ == "__main__":
    json.dump(measure(), sys.stdout)
    print()
