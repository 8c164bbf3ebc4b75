"""SQLite: a request waiting on a lock gives up after DATABASE_TIMEOUT, not after sqlite3's own default.

sqlite3 waits 5 s for a lock unless told otherwise, so a stage that forgot to hand DATABASE_TIMEOUT to the
driver still answers 503, only late. Here DATABASE_TIMEOUT is 1 s: every answer must come after that wait,
and well before 5 s (the margin is for a busy machine).
"""

import sqlite3
import time

import httpx
import pytest

from harness import Blog, serving

pytestmark = pytest.mark.anyio

TIMEOUT = 1  # DATABASE_TIMEOUT of the live server, in seconds
ANSWER_WITHIN = TIMEOUT + 1.5  # sqlite3's default, 5 s, is far past it


async def test_a_locked_sqlite_database_is_answered_after_database_timeout(stage, tmp_path, harness_engine):
    if harness_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's lock timeout; PostgreSQL's lock waits are in the fault tests")
    with serving(stage, tmp_path, env={"DATABASE_TIMEOUT": str(TIMEOUT)}) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
            await Blog(http).post(await Blog(http).user("ada"), "Hi")
            holder = sqlite3.connect(str(live.db.url.database), isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                for method, path, body in [
                    ("GET", "/api/posts", None),
                    ("POST", "/api/posts", {"title": "t", "content": "c", "user_id": 1}),
                    ("PATCH", "/api/users/1", {"email": "ada@lovelace.example"}),
                ]:
                    started = time.monotonic()
                    response = await http.request(method, path, json=body)
                    waited = time.monotonic() - started
                    assert response.status_code == 503, response.text
                    assert response.json() == {"detail": "Database unavailable"}
                    assert response.headers["retry-after"] == str(TIMEOUT)  # when to try again
                    assert TIMEOUT * 0.9 <= waited < ANSWER_WITHIN, f"{method} {path}: {waited:.2f} s"
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert (await http.get("/api/posts")).status_code == 200  # and back at once
