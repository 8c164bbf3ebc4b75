"""A database of its own for every stage, on SQLite and on PostgreSQL, seeded with the same fixed data."""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import WORK
from bench.plan import Case
from tools import stages as manifest

POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
# The stages' databases, <prefix>_<number>, sit next to POSTGRES_URL's; another prefix keeps two runs apart.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")
USERS, POSTS = 50, 500
WORDS = (
    "async await engine session pool query latency thread loop driver request response template "
    "page post author migration eager lazy select commit rollback connection cursor index table row"
).split()


def sqlite_path(stage: manifest.Stage) -> Path:
    return WORK / "db" / f"{stage.dir}.db"


def remove_sqlite_files(stages: Iterable[manifest.Stage]) -> None:
    """Each stage's SQLite file (and its journal) from an earlier run: its app creates the tables anew, with
    the columns its models have now."""
    for stage in stages:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{sqlite_path(stage)}{suffix}").unlink(missing_ok=True)


def pg_name(stage: manifest.Stage) -> str:
    return f"{DB_PREFIX}_{stage.number}"


# Where tests/stage/test_statement_counts.py counts on PostgreSQL, one stage after another (it drops and
# creates the tables it needs): bench_counts by default.
COUNTS_DB = f"{DB_PREFIX}_counts"


def pg_url(stage: manifest.Stage | None, port: int | None = None) -> str:
    """POSTGRES_URL with the stage's own database, bench_<number> by default (None: the counts' database,
    COUNTS_DB), and optionally another port."""
    parts = urlsplit(POSTGRES_URL)
    netloc = parts.netloc
    if port is not None:
        netloc = f"{netloc.rsplit('@', 1)[0]}@127.0.0.1:{port}" if "@" in netloc else f"127.0.0.1:{port}"
    name = COUNTS_DB if stage is None else pg_name(stage)
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{name}"))


def database_url(stage: manifest.Stage, case: Case, proxy_port: int | None) -> str:
    """The DATABASE_URL the stage's server gets for this case (through the delay proxy if it has a port)."""
    if case.backend == "sqlite":
        return f"sqlite:///{sqlite_path(stage)}"
    return pg_url(stage, proxy_port)


def create_pg_databases(stages: Iterable[manifest.Stage]) -> str:
    """One database per stage next to the test database, and one for the counts (COUNTS_DB), so nothing
    else's tables are touched."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        assert row is not None
        for name in [*(pg_name(stage) for stage in stages), COUNTS_DB]:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    version: str = row[0]
    return version


def drop_pg_databases(stages: Iterable[manifest.Stage]) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        for name in [*(pg_name(stage) for stage in stages), COUNTS_DB]:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dataset(posts: int = POSTS, chars: int = 0) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The fixed data: 50 users and `posts` posts (500 by default), the same bytes every time, the first posts
    the same whatever the number; with `chars`, every post's content is that many characters long."""
    rng = random.Random(2026)
    # username_key: the name as the app compares names (models.username_key), here the name itself.
    users = [
        (i, f"user{i:02d}", f"user{i:02d}@example.com", "default.svg", f"user{i:02d}")
        for i in range(1, USERS + 1)
    ]
    start = datetime(2026, 1, 1, 8, 0)
    rows = []
    for n in range(1, posts + 1):
        title = f"Post {n}: " + " ".join(rng.choices(WORDS, k=4))
        content = " ".join(rng.choices(WORDS, k=rng.randint(40, 120))).capitalize() + "."
        if chars:
            content = (content + " ") * (chars // len(content) + 1)
            content = content[: chars - 1] + "."
        rows.append((n, title, content, (n - 1) % USERS + 1, start + timedelta(minutes=7 * n)))
    return users, rows


def seed(stage: manifest.Stage, case: Case, posts: int = POSTS, chars: int = 0) -> None:
    """Replace whatever the tables hold with the fixed data set (the app has created the tables), in bulk
    through the harness's own connection (PostgreSQL: COPY), never through the app."""
    users, rows = dataset(posts, chars)
    user_columns, post_columns = (
        "users (id, username, email, image_file, username_key)",
        "posts (id, title, content, user_id, date_posted)",
    )
    if case.backend == "sqlite":
        with contextlib.closing(sqlite3.connect(sqlite_path(stage), timeout=30)) as conn, conn:
            conn.execute("DELETE FROM posts")
            conn.execute("DELETE FROM users")
            conn.executemany(f"INSERT INTO {user_columns} VALUES (?, ?, ?, ?, ?)", users)
            # The text SQLAlchemy's SQLite DateTime type stores and parses.
            text = [(*row[:4], row[4].strftime("%Y-%m-%d %H:%M:%S.%f")) for row in rows]
            conn.executemany(f"INSERT INTO {post_columns} VALUES (?, ?, ?, ?, ?)", text)
        return
    import psycopg

    with psycopg.connect(pg_url(stage), connect_timeout=5) as pg:
        pg.execute("TRUNCATE users, posts RESTART IDENTITY CASCADE")
        with pg.cursor() as cur:
            for columns, data in ((user_columns, users), (post_columns, rows)):
                with cur.copy(f"COPY {columns} FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
        for table in ("users", "posts"):
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with psycopg.connect(pg_url(stage), autocommit=True, connect_timeout=5) as pg:
        pg.execute("ANALYZE users, posts")  # the planner's statistics, as a table that grew slowly has them


def measure_rtt(proxy_port: int, stage: manifest.Stage, samples: int = 15) -> float:
    """The round trip of `SELECT 1` through the proxy, in ms (median): what the app sees as its database."""
    import psycopg

    with psycopg.connect(pg_url(stage, proxy_port), autocommit=True, connect_timeout=10) as conn:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
