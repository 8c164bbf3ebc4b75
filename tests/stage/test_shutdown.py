"""SIGTERM while writes are in flight: every write the client saw acknowledged is in the database.

uvicorn shuts down gracefully on SIGTERM: it stops accepting connections, lets running requests finish, then
runs the lifespan shutdown. A request cut off by the shutdown may or may not have been stored, and the client
cannot know; a 201 it did receive must not be lost. The test stops the module's live server; a test after
it would get one started again.
"""

import asyncio
import signal

import anyio
import httpx
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.anyio

WRITES = 300
SIGNAL_AFTER = 40  # answers received before SIGTERM; the rest are still in flight or not yet sent
HANG_GUARD_SECONDS = 120


async def test_sigterm_during_writes_loses_no_acknowledged_write(live, blog_on, tally):
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=live.url, limits=limits, timeout=30) as client:
        blog = blog_on(client)
        users = [(await blog.user(f"writer{n}"))["id"] for n in range(5)]

        answered = 0
        enough = asyncio.Event()

        async def write(n: int) -> httpx.Response | Exception:
            nonlocal answered
            body = {
                "title": f"write {n}",
                "content": "Acknowledged or not.",
                "user_id": users[n % len(users)],
            }
            try:
                return await client.post("/api/posts", json=body)
            except httpx.TransportError as error:  # refused or cut off by the shutdown: outcome unknown
                return error
            finally:
                answered += 1
                if answered >= SIGNAL_AFTER:
                    enough.set()

        with anyio.fail_after(HANG_GUARD_SECONDS):
            tasks = [asyncio.create_task(write(n)) for n in range(WRITES)]
            await enough.wait()
            in_flight = sum(not task.done() for task in tasks)
            live.signal(signal.SIGTERM)
            results = await asyncio.gather(*tasks)
            returncode = await anyio.to_thread.run_sync(live.wait)

    responses = [r for r in results if isinstance(r, httpx.Response)]
    acknowledged = {r.json()["id"]: r.json()["title"] for r in responses if r.status_code == 201}
    with live.db.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, title FROM posts")).all())
    lost = {post_id for post_id, title in acknowledged.items() if rows.get(post_id) != title}
    errors = sum(1 for r in responses if r.status_code >= 500)
    tally(
        f"{WRITES} requests sent, SIGTERM with {in_flight} unanswered, {errors} 5xx seen, "
        f"{len(acknowledged)} acknowledged, {len(results) - len(responses)} cut off, "
        f"{len(rows)} stored, {len(lost)} lost; exit code {returncode}"
    )
    assert lost == set()
    assert errors == 0
    assert {r.status_code for r in responses} <= {201}
    assert in_flight > 0, "SIGTERM came after the last answer: nothing was in flight"
    assert len(acknowledged) >= SIGNAL_AFTER
    # A graceful exit: uvicorn finishes, then re-raises the SIGTERM it caught (exit status -15).
    assert returncode in (0, -signal.SIGTERM), live.log()[-3000:]
    assert "Finished server process" in live.log(), live.log()[-3000:]
    assert "Traceback" not in live.log(), live.log()[-5000:]
