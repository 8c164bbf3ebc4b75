"""The users API, each route's success path and error paths, recorded from stage 00 and replayed on every
stage (`check`: see test_golden_pages.py). Every write is read back: what a route answers must be what the
database kept.
"""

import pytest

from harness import cases, said

pytestmark = pytest.mark.anyio

MISSING_USER, BAD_USER_ID = (404, "User not found"), (422, ["path.user_id"])
MISSING_POST = (404, "Post not found")


TAKEN = {
    "username-taken": ({"username": "ada", "email": "other@example.com"}, "Username already exists"),
    "email-taken": ({"username": "other", "email": "ada@example.com"}, "Email already registered"),
}
INVALID_USERS = {
    "missing-email": ({"username": "ada"}, "body.email"),
    "bad-email": ({"username": "ada", "email": "not-an-email"}, "body.email"),
    "empty-username": ({"username": "", "email": "ada@example.com"}, "body.username"),
    "long-username": ({"username": "a" * 51, "email": "ada@example.com"}, "body.username"),
    "nul": ({"username": "nul\u0000byte", "email": "ada@example.com"}, "body.username"),
    "wrong-type": ({"username": 42, "email": "ada@example.com"}, "body.username"),
    "not-an-object": ([], "body"),
}
USER_ERRORS = {
    "get": ("GET", "/api/users/99", MISSING_USER),
    "patch": ("PATCH", "/api/users/99", MISSING_USER),
    "delete": ("DELETE", "/api/users/99", MISSING_USER),
    "posts": ("GET", "/api/users/99/posts", MISSING_USER),
    "bad-id": ("GET", "/api/users/abc", BAD_USER_ID),
    "zero-id": ("GET", "/api/users/0", BAD_USER_ID),
    "huge-id": ("GET", "/api/users/99999999999999999999999", BAD_USER_ID),
}


async def test_create_user(client, check):
    response = check(await client.post("/api/users", json={"username": "ada", "email": "Ada@Example.COM"}))
    assert (response.status_code, response.json()["email"]) == (201, "Ada@example.com")  # domain lowercased
    assert check(await client.get("/api/users/1")).json() == response.json()  # stored as answered


@pytest.mark.parametrize(("body", "detail"), **cases(TAKEN))
async def test_create_user_duplicate(blog, client, check, body, detail):
    await blog.user("ada")
    assert said(check(await client.post("/api/users", json=body))) == (400, detail)
    assert said(check(await client.get("/api/users/2"))) == MISSING_USER  # nothing was created


@pytest.mark.parametrize(("body", "wrong"), **cases(INVALID_USERS))
async def test_create_user_invalid(client, check, body, wrong):
    assert said(check(await client.post("/api/users", json=body))) == (422, [wrong])


async def test_get_user(blog, client, check):
    await blog.user("ada")
    assert check(await client.get("/api/users/1")).json()["username"] == "ada"


async def test_update_user(blog, client, check):
    await blog.user("ada")
    user = check(await client.patch("/api/users/1", json={"username": "ada_l"})).json()
    assert (user["username"], user["email"]) == ("ada_l", "ada@example.com")
    user = check(await client.patch("/api/users/1", json={"email": "ada@lovelace.example"})).json()
    assert (user["username"], user["email"]) == ("ada_l", "ada@lovelace.example")
    # Its own username again, and a null email: nothing changes.
    user = check(await client.patch("/api/users/1", json={"username": "ada_l", "email": None})).json()
    assert (user["username"], user["email"]) == ("ada_l", "ada@lovelace.example")
    assert check(await client.get("/api/users/1")).json() == user  # stored as answered


async def test_update_user_reads_back(blog, client, check):
    await blog.user("ada")
    for change in ({"username": "Ada"}, {"email": "ada@lovelace.example"}):
        user = check(await client.patch("/api/users/1", json=change)).json()
        assert check(await client.get("/api/users/1")).json() == user
    assert (user["username"], user["email"]) == ("Ada", "ada@lovelace.example")


async def test_update_user_duplicate(blog, client, check):
    await blog.user("ada")
    await blog.user("bob")
    for body, detail in TAKEN.values():
        assert said(check(await client.patch("/api/users/2", json=body))) == (400, detail)
    bob = check(await client.get("/api/users/2")).json()  # unchanged
    assert (bob["username"], bob["email"]) == ("bob", "bob@example.com")


async def test_delete_user_deletes_their_posts(sample, client, check):
    ada, zoe = sample
    assert check(await client.delete(f"/api/users/{ada['id']}")).status_code == 204
    assert said(check(await client.get(f"/api/users/{ada['id']}"))) == MISSING_USER
    assert said(check(await client.get("/api/posts/1"))) == MISSING_POST
    assert [post["author"]["id"] for post in check(await client.get("/api/posts")).json()] == [zoe["id"]]


async def test_get_user_posts(sample, client, check):
    posts = check(await client.get("/api/users/1/posts")).json()
    assert [post["id"] for post in posts] == [3, 1]  # ada's, newest first


@pytest.mark.parametrize(("method", "path", "expected"), **cases(USER_ERRORS))
async def test_user_errors(client, check, method, path, expected):
    assert said(check(await client.request(method, path, json={} if method == "PATCH" else None))) == expected
