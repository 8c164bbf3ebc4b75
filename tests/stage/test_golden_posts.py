"""The posts API, each route's success path and error paths, recorded from stage 00 and replayed on every
stage (`check`: see test_golden_pages.py). Every write is read back: what a route answers must be what the
database kept.
"""

from datetime import timedelta

import pytest

from harness import cases, said

pytestmark = pytest.mark.anyio

MISSING_USER = (404, "User not found")
MISSING_POST, BAD_POST_ID = (404, "Post not found"), (422, ["path.post_id"])


BAD_QUERIES = {
    "zero-limit": {"limit": 0},
    "text-limit": {"limit": "many"},
    "negative-skip": {"skip": -1},
    "limit-too-high": {"limit": 101},
}
INVALID_POSTS = {
    "missing-user-id": ({"title": "Hi", "content": "There"}, "body.user_id"),
    "long-title": ({"title": "t" * 101, "content": "There", "user_id": 1}, "body.title"),
    "empty-title": ({"title": "", "content": "There", "user_id": 1}, "body.title"),
    "text-user-id": ({"title": "Hi", "content": "There", "user_id": "one"}, "body.user_id"),
    "huge-user-id": ({"title": "Hi", "content": "There", "user_id": 2**63}, "body.user_id"),
    "null-title": ({"title": None, "content": "There", "user_id": 1}, "body.title"),
}
UNPARSEABLE = {
    "malformed-json": (b'{"title": "Hi", "content": ', "application/json", "body.27"),  # where it breaks off
    "form-body": (b"title=Hi&content=There&user_id=1", "application/x-www-form-urlencoded", "body"),
    "text-body": (b'{"title": "Hi", "content": "There", "user_id": 1}', "text/plain", "body"),
}
POST_ERRORS = {
    "get": ("GET", "/api/posts/99", MISSING_POST),
    "put": ("PUT", "/api/posts/99", MISSING_POST),
    "patch": ("PATCH", "/api/posts/99", MISSING_POST),
    "delete": ("DELETE", "/api/posts/99", MISSING_POST),
    "bad-id": ("GET", "/api/posts/abc", BAD_POST_ID),
    "negative-id": ("GET", "/api/posts/-3", BAD_POST_ID),
    "beyond-int32": ("GET", "/api/posts/2147483648", BAD_POST_ID),
}


async def test_list_posts(sample, client, check):
    assert [post["id"] for post in check(await client.get("/api/posts")).json()] == [3, 2, 1]  # newest first
    page = check(await client.get("/api/posts", params={"skip": 1, "limit": 1})).json()
    assert [post["id"] for post in page] == [2]


@pytest.mark.parametrize("params", **cases(BAD_QUERIES))
async def test_list_posts_bad_query(client, check, params):
    (name,) = params
    assert said(check(await client.get("/api/posts", params=params))) == (422, [f"query.{name}"])


async def test_create_post(blog, client, check):
    await blog.user("ada")
    blog.clock.shift(timedelta(minutes=1))
    post = check(
        await client.post("/api/posts", json={"title": "Hi", "content": "There", "user_id": 1})
    ).json()
    assert (post["author"]["username"], post["date_posted"]) == ("ada", "2026-01-15T09:31:00Z")
    assert check(await client.get("/api/posts/1")).json() == post  # stored as answered
    assert check(await client.get("/api/users/1/posts")).json() == [post]


async def test_create_post_for_missing_user(client, check):
    response = check(await client.post("/api/posts", json={"title": "Hi", "content": "There", "user_id": 7}))
    assert said(response) == MISSING_USER
    assert check(await client.get("/api/posts")).json() == []  # nothing was created


@pytest.mark.parametrize(("body", "wrong"), **cases(INVALID_POSTS))
async def test_create_post_invalid(blog, client, check, body, wrong):
    await blog.user("ada")
    assert said(check(await client.post("/api/posts", json=body))) == (422, [wrong])


@pytest.mark.parametrize(("content", "content_type", "wrong"), **cases(UNPARSEABLE))
async def test_create_post_unparseable(blog, client, check, content, content_type, wrong):
    await blog.user("ada")
    response = check(await client.post("/api/posts", content=content, headers={"content-type": content_type}))
    assert said(response) == (422, [wrong])


async def test_get_post(sample, client, check):
    post = check(await client.get("/api/posts/2")).json()
    assert (post["title"], post["author"]["username"]) == ("Grüße aus Köln 👋", "Zoë")


async def test_replace_post(sample, client, check):
    body = {"title": "Rewritten", "content": "All new.", "user_id": 2}
    post = check(await client.put("/api/posts/1", json=body)).json()
    assert {key: post[key] for key in body} == body
    assert check(await client.get("/api/posts/1")).json() == post  # stored as answered, Zoë its author
    response = check(await client.put("/api/posts/1", json={"title": "Only a title"}))
    assert said(response) == (422, ["body.content", "body.user_id"])  # PUT replaces: every field is needed
    assert said(check(await client.put("/api/posts/1", json={**body, "user_id": 99}))) == MISSING_USER
    assert check(await client.get("/api/posts/1")).json() == post  # the refused writes changed nothing


async def test_update_post(sample, client, check):
    post = check(await client.patch("/api/posts/1", json={"title": "Patched title"})).json()
    assert (post["title"], post["content"]) == ("Patched title", "Hello, world.\nA second line.")
    assert check(await client.get("/api/posts/1")).json() == post  # stored as answered
    # A null title leaves the title as it is.
    patch = {"content": "Patched content", "title": None}
    post = check(await client.patch("/api/posts/1", json=patch)).json()
    assert (post["title"], post["content"]) == ("Patched title", "Patched content")
    assert said(check(await client.patch("/api/posts/1", json={"title": "x" * 101}))) == (422, ["body.title"])
    assert check(await client.get("/api/posts/1")).json() == post


async def test_delete_post(sample, client, check):
    assert check(await client.delete("/api/posts/2")).status_code == 204
    assert said(check(await client.get("/api/posts/2"))) == MISSING_POST
    assert check(await client.get("/api/users/2/posts")).json() == []  # Zoë's only post is gone
    assert [post["id"] for post in check(await client.get("/api/posts")).json()] == [3, 1]


@pytest.mark.parametrize(("method", "path", "expected"), **cases(POST_ERRORS))
async def test_post_errors(client, check, method, path, expected):
    body = {"title": "Hi", "content": "There", "user_id": 1} if method in ("PUT", "PATCH") else None
    assert said(check(await client.request(method, path, json=body))) == expected
