"""Connections the server closed (pg_terminate_backend, as a restart does): replaced without a failed
request when they were idle, answered 503 when a request was using one.
"""

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from harness import serving
from outages import arrange, database_locked, postgresql, terminate_other_backends

pytestmark = pytest.mark.anyio


async def test_connections_the_server_closed_fail_no_request(stage, tmp_path, harness_engine, tally):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server whose connections can be terminated; SQLite has none")
    with serving(stage, tmp_path) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            await arrange(http)
            sent = 0
            outcomes: dict[int, int] = {}
            for _ in range(3):
                # Fill the pool, then terminate every connection to this database but the harness's own.
                warm = await asyncio.gather(*(http.get("/api/posts/1") for _ in range(20)))
                assert {r.status_code for r in warm} == {200}
                with live.db.connect() as conn:
                    terminated = terminate_other_backends(conn)
                assert terminated
                harness_engine.dispose()  # its pooled connections were terminated too
                answers = await asyncio.gather(
                    *(http.get("/api/posts/1") for _ in range(20)),
                    *(
                        http.post("/api/posts", json={"title": "x", "content": "y", "user_id": 1})
                        for _ in range(5)
                    ),
                )
                sent += len(answers)
                for response in answers:
                    outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        failed = sum(n for status, n in outcomes.items() if status >= 500)
        tally(f"{sent} requests sent after 3 terminations, {failed} 5xx seen")
        assert outcomes == {200: 60, 201: 15}, outcomes
        assert "Traceback" not in live.log(), live.log()[-5000:]


async def test_a_connection_lost_in_the_middle_of_a_request_is_answered_503(stage, tmp_path, harness_engine):
    if not postgresql(harness_engine):
        pytest.skip("needs a database server whose connections can be terminated; SQLite has none")
    with serving(stage, tmp_path) as live:  # the default timeout: the lock must not end the wait first
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            await arrange(http)
            with database_locked(live), live.db.connect() as conn:
                waiting = asyncio.ensure_future(http.get("/api/posts/1"))
                blocked = sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                pids: list[int] = []
                while not pids and not waiting.done():
                    await asyncio.sleep(0.05)
                    pids = list(conn.scalars(blocked))
                    conn.commit()
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pids}
                )
                conn.commit()
                response = await waiting
            assert pids and response.status_code == 503, (pids, response.status_code, response.text)
            assert response.json() == {"detail": "Database unavailable"}
            assert (await http.get("/api/posts/1")).status_code == 200
