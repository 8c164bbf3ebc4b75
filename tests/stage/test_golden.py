"""Every route, its success path and its error paths, recorded from stage 00 and replayed on every stage.

`check` compares a response with the one golden set in __snapshots__/ (status and headers, then the body in
a file of its own), the same for every stage on both databases; each test also states what it is about.
"""

from datetime import timedelta

import pytest

from harness import cases, said, titles

pytestmark = pytest.mark.anyio


# The titles of the `sample` posts as the pages show them, newest first, the markup escaped.
TITLES = ["&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "Grüße aus Köln 👋", "First steps"]
MISSING_USER, BAD_USER_ID = (404, "User not found"), (422, ["path.user_id"])
MISSING_POST, BAD_POST_ID = (404, "Post not found"), (422, ["path.post_id"])


# Pages: the tables are test id -> the arguments of the test
PAGE_ERRORS = {
    "missing-post": ("/posts/99", 404, "Post not found"),
    "missing-user": ("/users/99/posts", 404, "User not found"),
    "unknown-url": ("/no/such/page", 404, "Not Found"),
    "bad-id": ("/posts/abc", 422, "post_id: Value error, must be a whole number in plain decimal digits"),
    "zero-id": ("/posts/0", 422, "post_id: Input should be greater than or equal to 1"),
    "negative-id": ("/users/-1/posts", 422, "user_id: Input should be greater than or equal to 1"),
}


@pytest.mark.parametrize("path", ["/", "/posts"], ids=["home", "posts"])
async def test_home_lists_posts_newest_first(sample, client, check, path):
    assert titles(check(await client.get(path)).text) == TITLES


async def test_home_without_posts(client, check):
    html = check(await client.get("/")).text
    assert titles(html) == [] and "No posts yet." in html


async def test_post_page(sample, client, check):
    assert "<h1>Grüße aus Köln 👋</h1>" in check(await client.get("/posts/2")).text


async def test_post_page_escapes_markup(sample, client, check):
    html = check(await client.get("/posts/3")).text
    assert f"<h1>{TITLES[0]}</h1>" in html and "<script>" not in html


async def test_user_posts_page(sample, client, check):
    html = check(await client.get("/users/1/posts")).text
    assert "<h1>Posts by ada</h1>" in html and titles(html) == [TITLES[0], TITLES[2]]  # newest first


async def test_user_posts_page_without_posts(blog, client, check):
    await blog.user("quiet")
    html = check(await client.get("/users/1/posts")).text
    assert titles(html) == [] and "quiet has not posted yet." in html


@pytest.mark.parametrize(("path", "status", "says"), **cases(PAGE_ERRORS))
async def test_page_errors(client, check, path, status, says):
    response = check(await client.get(path))
    assert response.status_code == status and f"<h1>{status}</h1>\n  <p>{says}" in response.text


async def test_page_method_not_allowed(client, check):
    response = check(await client.post("/"))
    assert (response.status_code, response.headers["allow"]) == (405, "GET")


# Users API
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


async def test_update_user_duplicate(blog, client, check):
    await blog.user("ada")
    await blog.user("bob")
    for body, detail in TAKEN.values():
        assert said(check(await client.patch("/api/users/2", json=body))) == (400, detail)


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


# Posts API
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
    response = check(await client.put("/api/posts/1", json={"title": "Only a title"}))
    assert said(response) == (422, ["body.content", "body.user_id"])  # PUT replaces: every field is needed
    assert said(check(await client.put("/api/posts/1", json={**body, "user_id": 99}))) == MISSING_USER


async def test_update_post(sample, client, check):
    post = check(await client.patch("/api/posts/1", json={"title": "Patched title"})).json()
    assert (post["title"], post["content"]) == ("Patched title", "Hello, world.\nA second line.")
    # A null title leaves the title as it is.
    patch = {"content": "Patched content", "title": None}
    post = check(await client.patch("/api/posts/1", json=patch)).json()
    assert (post["title"], post["content"]) == ("Patched title", "Patched content")
    assert said(check(await client.patch("/api/posts/1", json={"title": "x" * 101}))) == (422, ["body.title"])


async def test_delete_post(sample, client, check):
    assert check(await client.delete("/api/posts/2")).status_code == 204
    assert said(check(await client.get("/api/posts/2"))) == MISSING_POST
    assert check(await client.get("/api/users/2/posts")).json() == []  # Zoë's only post is gone


@pytest.mark.parametrize(("method", "path", "expected"), **cases(POST_ERRORS))
async def test_post_errors(client, check, method, path, expected):
    body = {"title": "Hi", "content": "There", "user_id": 1} if method in ("PUT", "PATCH") else None
    assert said(check(await client.request(method, path, json=body))) == expected


# Protocol
WRONG_METHODS = {
    "put-user": ("PUT", "/api/users/1"),
    "delete-posts": ("DELETE", "/api/posts"),
    "post-user-posts": ("POST", "/api/users/1/posts"),
}
UNKNOWN_API_URLS = {
    "unknown": ("/api/nope", (404, "Not Found")),
    "root": ("/api", (404, "Not Found")),
    "users-root": ("/api/users", (405, "Method Not Allowed")),  # a URL of the API, for POST only
}


@pytest.mark.parametrize(("method", "path"), **cases(WRONG_METHODS))
async def test_api_method_not_allowed(client, check, method, path):
    assert said(check(await client.request(method, path))) == (405, "Method Not Allowed")


@pytest.mark.parametrize(("path", "expected"), **cases(UNKNOWN_API_URLS))
async def test_api_unknown_url(client, check, path, expected):
    assert said(check(await client.get(path))) == expected  # JSON under /api, not the error page


async def test_openapi_schema(client, check):
    schema = check(await client.get("/openapi.json")).json()
    assert all(path.startswith("/api/") for path in schema["paths"])  # the pages are not in it


async def test_docs_page(client, check):
    assert "<title>Blog - Swagger UI</title>" in check(await client.get("/docs")).text


async def test_static_files(client, check):
    response = check(await client.get("/static/css/style.css"))
    assert response.headers["content-type"] == "text/css; charset=utf-8"
