"""Every route, its success path and its error paths, recorded from stage 00 and replayed on every stage.

The test ids carry no stage and no database: every stage, on SQLite and on PostgreSQL, must match the one
golden set in __snapshots__/.
"""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.anyio


async def sample(blog):
    """Two authors, three posts a minute apart, with markup and non-ASCII text to escape and encode."""
    ada = await blog.user("ada")
    zoe = await blog.user("Zoë", "zoe@example.com")
    await blog.post(ada, "First steps", "Hello, world.\nA second line.")
    await blog.post(zoe, "Grüße aus Köln 👋", "Ünïcödé, 日本語 and an em dash —.")
    await blog.post(ada, "<script>alert('x')</script>", "<b>not bold</b> & 'quotes' \"too\"")
    return ada, zoe


# Pages


@pytest.mark.parametrize("path", ["/", "/posts"], ids=["home", "posts"])
async def test_home_lists_posts_newest_first(blog, client, check, path):
    await sample(blog)
    check(await client.get(path))


async def test_home_without_posts(client, check):
    check(await client.get("/"))


async def test_post_page(blog, client, check):
    await sample(blog)
    check(await client.get("/posts/2"))


async def test_post_page_escapes_markup(blog, client, check):
    await sample(blog)
    check(await client.get("/posts/3"))


async def test_user_posts_page(blog, client, check):
    await sample(blog)
    check(await client.get("/users/1/posts"))


async def test_user_posts_page_without_posts(blog, client, check):
    await blog.user("quiet")
    check(await client.get("/users/1/posts"))


@pytest.mark.parametrize(
    "path",
    ["/posts/99", "/users/99/posts", "/no/such/page", "/posts/abc", "/posts/0", "/users/-1/posts"],
    ids=["missing-post", "missing-user", "unknown-url", "bad-id", "zero-id", "negative-id"],
)
async def test_page_errors(client, check, path):
    check(await client.get(path))


async def test_page_method_not_allowed(client, check):
    check(await client.post("/"))


# Users API


async def test_create_user(client, check):
    check(await client.post("/api/users", json={"username": "ada", "email": "Ada@Example.COM"}))


@pytest.mark.parametrize(
    "body",
    [
        {"username": "ada", "email": "other@example.com"},
        {"username": "other", "email": "ada@example.com"},
    ],
    ids=["username-taken", "email-taken"],
)
async def test_create_user_duplicate(blog, client, check, body):
    await blog.user("ada")
    check(await client.post("/api/users", json=body))
    check(await client.get("/api/users/2"))  # nothing was created


@pytest.mark.parametrize(
    "body",
    [
        {"username": "ada"},
        {"username": "ada", "email": "not-an-email"},
        {"username": "", "email": "ada@example.com"},
        {"username": "a" * 51, "email": "ada@example.com"},
        {"username": "nul\u0000byte", "email": "ada@example.com"},
        {"username": 42, "email": "ada@example.com"},
        [],
    ],
    ids=[
        "missing-email",
        "bad-email",
        "empty-username",
        "long-username",
        "nul",
        "wrong-type",
        "not-an-object",
    ],
)
async def test_create_user_invalid(client, check, body):
    check(await client.post("/api/users", json=body))


async def test_get_user(blog, client, check):
    await blog.user("ada")
    check(await client.get("/api/users/1"))


async def test_update_user(blog, client, check):
    await blog.user("ada")
    check(await client.patch("/api/users/1", json={"username": "ada_l"}))
    check(await client.patch("/api/users/1", json={"email": "ada@lovelace.example"}))
    check(await client.patch("/api/users/1", json={"username": "ada_l", "email": None}))


async def test_update_user_duplicate(blog, client, check):
    await blog.user("ada")
    await blog.user("bob")
    check(await client.patch("/api/users/2", json={"username": "ada"}))
    check(await client.patch("/api/users/2", json={"email": "ada@example.com"}))


async def test_delete_user_deletes_their_posts(blog, client, check):
    ada, _zoe = await sample(blog)
    check(await client.delete(f"/api/users/{ada['id']}"))
    check(await client.get(f"/api/users/{ada['id']}"))
    check(await client.get("/api/posts/1"))
    check(await client.get("/api/posts"))


async def test_get_user_posts(blog, client, check):
    await sample(blog)
    check(await client.get("/api/users/1/posts"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/users/99"),
        ("PATCH", "/api/users/99"),
        ("DELETE", "/api/users/99"),
        ("GET", "/api/users/99/posts"),
        ("GET", "/api/users/abc"),
        ("GET", "/api/users/0"),
        ("GET", "/api/users/99999999999999999999999"),
    ],
    ids=["get", "patch", "delete", "posts", "bad-id", "zero-id", "huge-id"],
)
async def test_user_errors(client, check, method, path):
    check(await client.request(method, path, json={} if method == "PATCH" else None))


# Posts API


async def test_list_posts(blog, client, check):
    await sample(blog)
    check(await client.get("/api/posts"))
    check(await client.get("/api/posts", params={"skip": 1, "limit": 1}))


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": "many"}, {"skip": -1}, {"limit": 101}],
    ids=["zero-limit", "text-limit", "negative-skip", "limit-too-high"],
)
async def test_list_posts_bad_query(client, check, params):
    check(await client.get("/api/posts", params=params))


async def test_create_post(blog, client, check):
    await blog.user("ada")
    blog.clock.shift(timedelta(minutes=1))
    check(await client.post("/api/posts", json={"title": "Hi", "content": "There", "user_id": 1}))


async def test_create_post_for_missing_user(client, check):
    check(await client.post("/api/posts", json={"title": "Hi", "content": "There", "user_id": 7}))
    check(await client.get("/api/posts"))


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Hi", "content": "There"},
        {"title": "t" * 101, "content": "There", "user_id": 1},
        {"title": "", "content": "There", "user_id": 1},
        {"title": "Hi", "content": "There", "user_id": "one"},
        {"title": "Hi", "content": "There", "user_id": 2**63},
        {"title": None, "content": "There", "user_id": 1},
    ],
    ids=["missing-user-id", "long-title", "empty-title", "text-user-id", "huge-user-id", "null-title"],
)
async def test_create_post_invalid(blog, client, check, body):
    await blog.user("ada")
    check(await client.post("/api/posts", json=body))


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"title": "Hi", "content": ', "application/json"),
        (b"title=Hi&content=There&user_id=1", "application/x-www-form-urlencoded"),
        (b'{"title": "Hi", "content": "There", "user_id": 1}', "text/plain"),
    ],
    ids=["malformed-json", "form-body", "text-body"],
)
async def test_create_post_unparseable(blog, client, check, content, content_type):
    await blog.user("ada")
    check(await client.post("/api/posts", content=content, headers={"content-type": content_type}))


async def test_get_post(blog, client, check):
    await sample(blog)
    check(await client.get("/api/posts/2"))


async def test_replace_post(blog, client, check):
    await sample(blog)
    body = {"title": "Rewritten", "content": "All new.", "user_id": 2}
    check(await client.put("/api/posts/1", json=body))
    check(await client.put("/api/posts/1", json={"title": "Only a title"}))
    check(await client.put("/api/posts/1", json={**body, "user_id": 99}))


async def test_update_post(blog, client, check):
    await sample(blog)
    check(await client.patch("/api/posts/1", json={"title": "Patched title"}))
    check(await client.patch("/api/posts/1", json={"content": "Patched content", "title": None}))
    check(await client.patch("/api/posts/1", json={"title": "x" * 101}))


async def test_delete_post(blog, client, check):
    await sample(blog)
    check(await client.delete("/api/posts/2"))
    check(await client.get("/api/posts/2"))
    check(await client.get("/api/users/2/posts"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/posts/99"),
        ("PUT", "/api/posts/99"),
        ("PATCH", "/api/posts/99"),
        ("DELETE", "/api/posts/99"),
        ("GET", "/api/posts/abc"),
        ("GET", "/api/posts/-3"),
        ("GET", "/api/posts/2147483648"),
    ],
    ids=["get", "put", "patch", "delete", "bad-id", "negative-id", "beyond-int32"],
)
async def test_post_errors(client, check, method, path):
    body = {"title": "Hi", "content": "There", "user_id": 1} if method in ("PUT", "PATCH") else None
    check(await client.request(method, path, json=body))


# Protocol


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/api/users/1"), ("DELETE", "/api/posts"), ("POST", "/api/users/1/posts")],
    ids=["put-user", "delete-posts", "post-user-posts"],
)
async def test_api_method_not_allowed(client, check, method, path):
    check(await client.request(method, path))


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/users"], ids=["unknown", "root", "users-root"])
async def test_api_unknown_url(client, check, path):
    check(await client.get(path))


async def test_openapi_schema(client, check):
    check(await client.get("/openapi.json"))


async def test_docs_page(client, check):
    check(await client.get("/docs"))


async def test_static_files(client, check):
    check(await client.get("/static/css/style.css"))
