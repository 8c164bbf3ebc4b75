"""The pages and what every client sees besides the API's data (the schema, the docs, static files, unknown
URLs and methods), recorded from stage 00 and replayed on every stage.

`check` compares a response with the one golden set in __snapshots__/ (status and headers, then the body in
a file of its own), the same for every stage on both databases; each test also states what it is about.
"""

import pytest

from harness import cases, said, titles

pytestmark = pytest.mark.anyio

# The titles of the `sample` posts as the pages show them, newest first, the markup escaped.
TITLES = ["&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "Grüße aus Köln 👋", "First steps"]


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
