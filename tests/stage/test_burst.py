"""A burst with no fault at all: many more clients at once than the stage has sessions, reading and writing.

The synchronous baseline absorbs it: requests queue for one of its sessions in the order they came, and
each is answered. The async stages must do as well: no 5xx, every write stored and answered. (Their pool's
own queue lets a request that just arrived take a connection ahead of those already waiting, and some of
those waited until the pool's timeout: 503s with no fault at all. See get_async_db in the stages.)
"""

import asyncio
import ssl
import time

import httpx
import pytest
import sqlalchemy as sa

from harness import serving
from outages import arrange

pytestmark = pytest.mark.anyio

CLIENTS = 300  # connections open at once, each sending its requests one after another (at most)
# A fair queue of N clients drains in N / rate seconds, however fast the machine: the burst is sized from the
# rate measured just before it, so that the queue takes this long, well inside the stage's wait for a
# session (5 s, half of DATABASE_TIMEOUT's default). On a slow machine 300 clients queued past it even in a
# fair queue (stage 00); sized this way, a 503 means the queue was not fair, not that the machine was slow.
QUEUE_SECONDS = 1.5
FEWEST = 60  # more clients than any stage has sessions (at most 40), so that the burst always queues
ROUNDS = 2  # each client's turns through MIX
MIX = [  # what one client sends in one round: mostly reads, as a blog's traffic is
    ("GET", "/api/posts", None),
    ("GET", "/", None),
    ("POST", "/api/posts", {"title": "Burst", "content": "x", "user_id": 1}),
    ("GET", "/api/posts/1", None),
]
# One TLS context for every client. The server is plain HTTP on loopback, but a client built with httpx's
# defaults loads the CA bundle all the same: 20 ms each, seconds for the whole burst.
TLS = ssl.create_default_context()


async def one_client(url: str, ready: asyncio.Semaphore, start: asyncio.Event) -> list[tuple[int, float]]:
    # A connection of its own, as a browser's: no other client's turn waits for it.
    async with httpx.AsyncClient(base_url=url, timeout=120, verify=TLS) as http:
        await http.get("/static/css/style.css")  # connected before the start
        ready.release()
        await start.wait()
        answers = []
        for _ in range(ROUNDS):
            for method, path, body in MIX:
                started = time.monotonic()
                response = await http.request(method, path, json=body)
                answers.append((response.status_code, time.monotonic() - started))
        return answers


async def measured_rate(url: str, clients: int = 40) -> float:
    """Requests per second the stage answers of MIX with as many clients at once as a stage has sessions at
    most (their posts are not the burst's: another title)."""

    async def rounds(http: httpx.AsyncClient) -> None:
        for method, path, body in MIX:
            await http.request(method, path, json=body and {**body, "title": "Calibration"})

    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        await rounds(http)  # warm
        began = time.monotonic()
        await asyncio.gather(*(rounds(http) for _ in range(clients)))
        return clients * len(MIX) / (time.monotonic() - began)


async def test_a_burst_of_clients_is_answered_without_5xx(stage, tmp_path, harness_engine, tally):
    with serving(stage, tmp_path) as live:  # DATABASE_TIMEOUT as the stage sets it by default (10 s)
        async with httpx.AsyncClient(base_url=live.url) as http:
            await arrange(http)
        rate = await measured_rate(live.url)
        count = max(FEWEST, min(CLIENTS, int(rate * QUEUE_SECONDS)))
        ready, start = asyncio.Semaphore(0), asyncio.Event()
        clients = [asyncio.ensure_future(one_client(live.url, ready, start)) for _ in range(count)]
        for _ in range(count):
            await ready.acquire()  # every client connected, waiting at the start line
        began = time.monotonic()
        start.set()
        answers = [answer for answers in await asyncio.gather(*clients) for answer in answers]
        took = time.monotonic() - began
        statuses = [status for status, _ in answers]
        times = sorted(seconds for _, seconds in answers)
        median, p99, slowest = times[len(times) // 2], times[len(times) * 99 // 100], times[-1]
        failed = sum(status >= 500 for status in statuses)
        tally(
            f"{len(answers)} requests from {count} clients (rate before: {rate:.0f}/s) in {took:.1f} s, "
            f"{failed} 5xx, "
            f"median {median:.2f} s, p99 {p99:.2f} s, slowest {slowest:.1f} s"
        )
        assert sorted(set(statuses)) == [200, 201], {status: statuses.count(status) for status in statuses}
        with live.db.connect() as conn:
            stored = conn.scalar(sa.text("SELECT count(*) FROM posts WHERE title = 'Burst'"))
        assert stored == statuses.count(201) == count * ROUNDS
        assert "Traceback" not in live.log(), live.log()[-5000:]
