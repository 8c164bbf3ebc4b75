"""Work that cannot grow without bound, and names that cannot be spelled two ways.

- Every list is paged: a page shows at most PAGE_SIZE posts, the API at most 100, however many there are.
- Ids in paths and numbers in queries are plain decimal digits: "1_0" is not user 10, "+1" not user 1.
- HEAD is answered like GET, without a body; the pages carry the browser security headers.
- A request that announces a body over the limit is refused before the body is sent.
- Usernames are normalized (NFKC), compared without regard to case, and refused when blank or invisible.
"""

import asyncio
import socket

import pytest
import sqlalchemy as sa

from harness import titles

pytestmark = pytest.mark.anyio

PAGE_SIZE = 10  # the stages' posts per page


async def many_posts(blog, count: int) -> dict:
    ada = await blog.user("ada")
    for n in range(1, count + 1):
        await blog.post(ada, f"Post {n}")
    return ada


@pytest.mark.parametrize("path", ["/", "/posts", "/users/1/posts"], ids=["home", "posts", "user-posts"])
async def test_pages_show_ten_posts_at_a_time(blog, client, check, path):
    await many_posts(blog, 25)
    seen = []
    for page in (1, 2, 3):
        html = check(await client.get(path, params={} if page == 1 else {"page": page})).text
        assert len(titles(html)) == (PAGE_SIZE if page < 3 else 5)
        assert ('rel="next" href="?page=' in html) == (page < 3)
        assert ('rel="prev" href="?page=' in html) == (page > 1)
        seen += titles(html)
    assert seen == [f"Post {n}" for n in range(25, 0, -1)]  # newest first, each post once
    response = check(await client.get(path, params={"page": 4}))  # past the end
    assert response.status_code == 404 and "Page not found" in response.text


@pytest.mark.parametrize("path", ["/", "/posts", "/users/1/posts"], ids=["home", "posts", "user-posts"])
async def test_exactly_one_full_page_has_no_next_page(blog, client, path):
    await many_posts(blog, PAGE_SIZE)
    html = (await client.get(path)).text
    assert len(titles(html)) == PAGE_SIZE and 'rel="next"' not in html  # no link to a page that is not there
    assert (await client.get(path, params={"page": 2})).status_code == 404
    await blog.post({"id": 1}, "One more")
    html = (await client.get(path)).text
    assert len(titles(html)) == PAGE_SIZE and 'rel="next" href="?page=2"' in html


async def test_api_lists_are_bounded(blog, client, check):
    await many_posts(blog, 105)
    for path in ("/api/posts", "/api/users/1/posts"):
        assert len((await client.get(path)).json()) == 100
        response = await client.get(path, params={"skip": 100, "limit": 3})
        assert [post["title"] for post in response.json()] == ["Post 5", "Post 4", "Post 3"]
        assert (await client.get(path, params={"limit": 101})).status_code == 422
    check(await client.get("/api/users/1/posts", params={"skip": 102}))


@pytest.mark.parametrize(
    "path",
    [
        "/api/users/1_0",
        "/api/users/+1",
        "/api/users/%201",
        "/api/users/1.0",
        "/api/users/1%0A",
        "/api/users/01",
    ],
    ids=["underscore", "plus", "space", "point-zero", "newline", "leading-zero"],
)
async def test_ids_are_plain_decimal(blog, client, check, harness_engine, path):
    for n in range(10):
        await blog.user(f"user{n}")
    response = check(await client.delete(path))
    assert response.status_code == 422
    with harness_engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM users")) == 10


async def test_numbers_in_queries_are_plain_decimal(blog, client, check):
    await many_posts(blog, 3)
    for query in ("skip=+1", "limit=1_0", "page=%202"):
        path = "/?" + query if query.startswith("page") else "/api/posts?" + query
        assert check(await client.get(path)).status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/posts/1",
        "/users/1/posts",
        "/api/posts",
        "/api/posts/1",
        "/api/users/1",
        "/static/css/style.css",
    ],
)
async def test_head_is_answered_like_get(blog, client, path):
    await many_posts(blog, 1)
    get, head = await client.get(path), await client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)


async def test_security_headers(blog, client):
    await many_posts(blog, 1)
    for path in ("/", "/posts/1", "/no-such-page", "/api/posts", "/docs"):
        assert (await client.get(path)).headers["x-content-type-options"] == "nosniff"
    for path in ("/", "/posts/1", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "content-security-policy" not in (await client.get("/docs")).headers  # its scripts are on a CDN


def announce_body(port: int, length: int) -> bytes:
    """Send only the headers of a request that announces a body of `length` bytes; return the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % length
        )
        return sock.recv(65536)


@pytest.mark.parametrize("length", [2_000_000, 10**12, 10**20])
async def test_announced_oversized_body_is_refused_before_it_arrives(live, length):
    answer = await asyncio.wait_for(asyncio.to_thread(announce_body, live.port, length), 15)
    # uvicorn itself refuses (400) a length it cannot represent; the app, any length over its limit (413)
    assert answer.startswith(b"HTTP/1.1 413" if length < 10**19 else b"HTTP/1.1 400"), answer[:200]


LOOK_ALIKES = {
    "case": ("Zed", "zed", 400),
    "fullwidth": ("Zed", "ＺＥＤ", 400),
    "decomposed": ("café", "cafe\u0301", 400),
    "zero-width": ("zed", "zed\u200b", 422),
    "bidi-override": ("abc", "\u202ecba", 422),
    "blank": ("zed", "   ", 422),
}


@pytest.mark.parametrize(("first", "second", "status"), LOOK_ALIKES.values(), ids=LOOK_ALIKES)
async def test_look_alike_usernames_are_one_user(blog, client, check, harness_engine, first, second, status):
    await blog.user(first, "first@example.com")
    check(await client.post("/api/users", json={"username": second, "email": "second@example.com"}))
    response = await client.post("/api/users", json={"username": second, "email": "second@example.com"})
    assert response.status_code == status
    with harness_engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM users")) == 1


async def test_a_normalized_username_is_stored_normalized(client, harness_engine):
    response = await client.post("/api/users", json={"username": "ＡＤＡ", "email": "ada@example.com"})
    assert (response.status_code, response.json()["username"]) == (201, "ADA")
    rename = await client.patch("/api/users/1", json={"username": "ada"})  # the same name, another case
    assert rename.status_code == 200  # its own name, in another case, is not taken by someone else
