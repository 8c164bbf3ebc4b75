"""Concurrent requests against the stage running under uvicorn, checked against what the database holds.

Each test fires its requests at once from one async client (a bounded number, under a time limit that only
guards against a hang), then reads the tables with the harness's own connection. The server log must show
no traceback: a lock timeout or an error the app caught and turned into a clean answer would be in there.
"""

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence

import anyio
import httpx
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.anyio

HANG_GUARD_SECONDS = 120
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def rows(live, sql: str, **params) -> list:
    with live.db.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def count(live, table: str) -> int:
    return rows(live, f"SELECT count(*) FROM {table}")[0][0]


Request = tuple[str, str, Mapping[str, object] | None]  # method, path, json body or None


async def all_at_once(client: httpx.AsyncClient, requests: Sequence[Request]) -> list[httpx.Response]:
    """Send every request concurrently."""
    with anyio.fail_after(HANG_GUARD_SECONDS):
        return await asyncio.gather(*(client.request(m, p, json=body) for m, p, body in requests))


def statuses(responses: list[httpx.Response]) -> dict[int, int]:
    return dict(sorted(Counter(response.status_code for response in responses).items()))


def server_errors(responses: list[httpx.Response]) -> int:
    return sum(response.status_code >= 500 for response in responses)


def assert_clean_log(live) -> None:
    log = live.log()
    assert "Traceback" not in log, log[-5000:]
    assert "database is locked" not in log, log[-5000:]


@pytest.fixture
async def http(live):
    """A client of the live server (not the harness's in-process `client`)."""
    async with httpx.AsyncClient(base_url=live.url, limits=LIMITS, timeout=60) as http:
        yield http


@pytest.fixture
def blog(http, blog_on):
    """Arrange steps on the live server."""
    return blog_on(http)


async def test_same_username_at_once_creates_one_user(live, http, tally):
    requests = [
        ("POST", "/api/users", {"username": "ada", "email": f"ada{i}@example.com"}) for i in range(50)
    ]
    responses = await all_at_once(http, requests)
    seen = statuses(responses)
    stored = rows(live, "SELECT username, email FROM users")
    tally(f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, {seen}, {len(stored)} stored")
    assert seen == {201: 1, 400: 49}, seen
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert stored == [("ada", winner["email"])]
    assert {r.json()["detail"] for r in responses if r.status_code == 400} <= {
        "Username already exists",
        "Username or email already exists",
    }
    assert_clean_log(live)


async def test_many_posts_at_once_are_all_stored(live, http, blog, tally):
    users = [(await blog.user(f"u{i}"))["id"] for i in range(10)]
    requests = [
        ("POST", "/api/posts", {"title": f"t{i}", "content": f"c{i}", "user_id": users[i % len(users)]})
        for i in range(200)
    ]
    responses = await all_at_once(http, requests)
    seen = statuses(responses)
    acknowledged = {r.json()["id"]: r.json() for r in responses if r.status_code == 201}
    stored = {row.id: row for row in rows(live, "SELECT id, title, content, user_id FROM posts")}
    lost = set(acknowledged) - set(stored)
    tally(
        f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, "
        f"{len(acknowledged)} acknowledged, {len(stored)} stored, {len(lost)} lost"
    )
    assert seen == {201: 200}, seen
    assert lost == set()
    assert len(stored) == 200
    for post_id, post in acknowledged.items():
        row = stored[post_id]
        assert (row.title, row.content, row.user_id) == (post["title"], post["content"], post["user_id"])
    assert sorted(row.title for row in stored.values()) == sorted(f"t{i}" for i in range(200))
    assert_clean_log(live)


async def test_patch_and_delete_of_the_same_post(live, http, blog, tally):
    user = await blog.user("u0")
    posts = [(await blog.post(user, f"post {i}", "words"))["id"] for i in range(20)]
    requests: list[Request] = []
    for post_id in posts:
        requests += [("PATCH", f"/api/posts/{post_id}", {"title": f"patched {n}"}) for n in range(4)]
        requests += [("DELETE", f"/api/posts/{post_id}", None) for _ in range(2)]
    responses = await all_at_once(http, requests)
    by_method = {
        method: statuses([r for r in responses if r.request.method == method])
        for method in ("PATCH", "DELETE")
    }
    left = count(live, "posts")
    tally(
        f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, "
        f"PATCH {by_method['PATCH']}, DELETE {by_method['DELETE']}, {left} post(s) left"
    )
    assert set(by_method["PATCH"]) <= {200, 404}, by_method
    # Each post is deleted exactly once; the second DELETE finds it gone.
    assert by_method["DELETE"] == {204: len(posts), 404: len(posts)}, by_method
    assert left == 0
    for response in responses:
        if response.status_code == 404:
            assert response.json() == {"detail": "Post not found"}
        elif response.status_code == 200:
            assert response.json()["title"].startswith("patched ")
    assert_clean_log(live)


async def test_patch_and_delete_of_the_same_user(live, http, blog, tally):
    users = [(await blog.user(f"u{i}"))["id"] for i in range(20)]
    requests: list[Request] = []
    for user in users:
        requests += [("PATCH", f"/api/users/{user}", {"email": f"u{user}.{n}@example.com"}) for n in range(4)]
        requests += [("DELETE", f"/api/users/{user}", None) for _ in range(2)]
    responses = await all_at_once(http, requests)
    by_method = {
        method: statuses([r for r in responses if r.request.method == method])
        for method in ("PATCH", "DELETE")
    }
    left = count(live, "users")
    tally(
        f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, "
        f"PATCH {by_method['PATCH']}, DELETE {by_method['DELETE']}, {left} user(s) left"
    )
    assert set(by_method["PATCH"]) <= {200, 404}, by_method
    assert by_method["DELETE"] == {204: len(users), 404: len(users)}, by_method
    assert left == 0
    for response in responses:
        if response.status_code == 404:
            assert response.json() == {"detail": "User not found"}
    assert_clean_log(live)


async def test_delete_a_user_while_posts_are_created_for_them(live, http, blog, tally):
    users = [(await blog.user(f"u{i}"))["id"] for i in range(5)]
    requests: list[Request] = []
    for user in users:
        requests += [
            ("POST", "/api/posts", {"title": "t", "content": "c", "user_id": user}) for _ in range(10)
        ]
        requests.insert(len(requests) - 5, ("DELETE", f"/api/users/{user}", None))
    responses = await all_at_once(http, requests)
    seen = statuses(responses)
    deletes = statuses([r for r in responses if r.request.method == "DELETE"])
    orphans = rows(live, "SELECT p.id FROM posts p LEFT JOIN users u ON u.id = p.user_id WHERE u.id IS NULL")
    tally(
        f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, {seen}, "
        f"{count(live, 'users')} user(s) and {count(live, 'posts')} post(s) left, {len(orphans)} orphan(s)"
    )
    assert set(seen) <= {201, 204, 404}, seen
    assert deletes == {204: len(users)}, deletes
    assert count(live, "users") == 0
    assert orphans == []
    assert count(live, "posts") == 0
    # The API agrees with the tables.
    assert (await http.get("/api/posts")).json() == []
    assert_clean_log(live)


async def test_more_reads_at_once_than_threads_and_connections(live, http, blog, tally):
    """200 reads, 100 in flight at once (LIMITS): more than a sync app's 40 worker threads and 15 pooled
    connections together. A request that kept its connection while its response waited for a thread would
    stall the others until the pool timed out (a 500 after 30 s, or a client timeout)."""
    user = await blog.user("ada")
    post = await blog.post(user, "Read me", "Words.")
    paths = ["/api/posts", f"/api/posts/{post['id']}", f"/api/users/{user['id']}"]
    paths.append(f"/api/users/{user['id']}/posts")
    requests = [("GET", paths[i % len(paths)], None) for i in range(200)]

    responses = await all_at_once(http, requests)

    tally(f"{len(requests)} requests sent, {server_errors(responses)} 5xx seen, {statuses(responses)}")
    assert statuses(responses) == {200: 200}
    assert_clean_log(live)
