"""A catalogue of bad requests and the clear answer each one gets, recorded from stage 00 like test_golden_*.

Under /api the answer is JSON, elsewhere the error page; never a 500. What test_golden_*.py already ask
(a truncated JSON body, form and text bodies, zero and negative ids in some places, over-long names and
titles, a NUL in a username) is not asked again here.
"""

import httpx
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.anyio

JSON = {"content-type": "application/json"}
UNREADABLE = 400  # a body that cannot be parsed at all: {"detail": "There was an error parsing the body"}


def stored(harness_engine, sql: str) -> list[tuple]:
    with harness_engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def refused(response: httpx.Response, status: int = 422) -> None:
    """A clear answer, not a 500: under /api the JSON error shape, elsewhere the error page."""
    assert response.status_code == status, response.text
    api = response.request.url.path.startswith("/api/")
    assert response.headers["content-type"] == ("application/json" if api else "text/html; charset=utf-8")


# Bodies that are not a JSON object of the right shape


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b'{"username": "ada", "email": "ada@example.com"} and more', JSON, 422),
        (b"", JSON, 422),
        (b"null", JSON, 422),
        (b'"ada"', JSON, 422),
        (b'{"username": "ada", "email": "ada@example.com"}', {}, 422),
        (b'{"username": "ada", "email": "ada@example.com"}', {"content-type": "application/xml"}, 422),
        ('{"username": "Zoë", "email": "zoe@example.com"}'.encode("latin-1"), JSON, UNREADABLE),
        (b"[" * 100_000 + b"]" * 100_000, JSON, UNREADABLE),
    ],
    ids=[
        "trailing-garbage",
        "empty-body",
        "json-null",
        "json-string",
        "no-content-type",
        "xml-content-type",
        "not-utf-8",
        "nested-too-deep",
    ],
)
async def test_unreadable_user_body(client, check, harness_engine, content, headers, status):
    refused(check(await client.post("/api/users", content=content, headers=headers)), status)
    assert stored(harness_engine, "SELECT id FROM users") == []


NOT_JSON_NOR_UTF_8 = {"content-type": "text/plain"}
WRITES = [
    ("POST", "/api/users"),
    ("PATCH", "/api/users/1"),
    ("POST", "/api/posts"),
    ("PUT", "/api/posts/1"),
    ("PATCH", "/api/posts/1"),
]


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m}-{p}" for m, p in WRITES])
async def test_body_neither_json_nor_utf_8(blog, client, harness_engine, method, path):
    """Bytes that are no text at all: the error echoes them as text, undecodable bytes replaced."""
    ada = await blog.user("ada")
    await blog.post(ada, "Hi")
    response = await client.request(method, path, content=b"\xff\xfe", headers=NOT_JSON_NOR_UTF_8)
    refused(response)
    assert response.json()["detail"][0]["input"] == "\ufffd\ufffd"
    assert stored(harness_engine, "SELECT username FROM users") == [("ada",)]


async def test_json_suffix_content_type_is_json(client, check):
    body = b'{"username": "ada", "email": "ada@example.com"}'
    headers = {"content-type": "application/vnd.blog+json"}
    response = check(await client.post("/api/users", content=body, headers=headers))
    assert (response.status_code, response.json()["username"]) == (201, "ada")


async def test_oversized_body(blog, client, check, harness_engine):
    """2 MB of JSON: refused before it is read whole, with 413 and the JSON error shape."""
    user = await blog.user("ada")
    body = b'{"title": "Big", "content": "' + b"x" * 2_000_000 + b'", "user_id": %d}' % user["id"]
    for response in [
        check(await client.post("/api/posts", content=body, headers=JSON)),
        check(await client.patch("/api/posts/1", content=body, headers=JSON)),
    ]:
        refused(response, 413)
        assert response.json() == {"detail": "Request body too large"}
    assert stored(harness_engine, "SELECT id FROM posts") == []


# Fields of the wrong type, missing, or with values the columns cannot hold


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": ["ada"], "email": "ada@example.com"},
        {"username": "ada", "email": None},
        {"username": "ada", "email": "ada\u0000@example.com"},
        {"username": "ada", "email": "ada@example.com", "is_admin": True},
    ],
    ids=["empty-object", "list-username", "null-email", "nul-email", "unknown-field-ignored"],
)
async def test_create_user_fields(client, check, body):
    response = check(await client.post("/api/users", json=body))
    if "is_admin" in body:  # an unknown field is ignored, not stored and not an error
        assert response.status_code == 201 and "is_admin" not in response.json()
    else:
        refused(response)


@pytest.mark.parametrize(
    "body",
    [
        {"title": 42, "content": "There", "user_id": 1},
        {"title": "Hi", "content": {"text": "There"}, "user_id": 1},
        {"title": "Hi", "content": "There", "user_id": "1"},
        {"title": "Hi", "content": "There", "user_id": True},
        {"title": "Hi", "content": "There", "user_id": 1.0},
        {"title": "Hi", "content": "There", "user_id": 0},
        {"title": "Hi", "content": "There", "user_id": -1},
        {"title": "Hi", "content": "nul\u0000byte", "user_id": 1},
        {"title": "Hi", "content": "", "user_id": 1},
    ],
    ids=[
        "number-title",
        "object-content",
        "text-number-user-id",
        "bool-user-id",
        "float-user-id",
        "zero-user-id",
        "negative-user-id",
        "nul-content",
        "empty-content",
    ],
)
async def test_create_post_fields(blog, client, check, harness_engine, body):
    await blog.user("ada")
    refused(check(await client.post("/api/posts", json=body)))
    assert stored(harness_engine, "SELECT id FROM posts") == []


@pytest.mark.parametrize(
    "content",
    [
        b'{"title": "Hi", "content": "There", "user_id": NaN}',
        b'{"title": "Hi", "content": "There", "user_id": Infinity}',
        b'{"title": "Hi", "content": "There", "user_id": -1e400}',
        b'{"title": "Hi", "content": "There", "user_id": ' + b"9" * 5000 + b"}",
    ],
    ids=["nan", "infinity", "overflowing-number", "integer-too-long-to-read"],
)
async def test_numbers_json_cannot_carry(blog, client, check, content):
    """Python's JSON parser accepts NaN and Infinity, which the error echoes as text since JSON cannot, and
    refuses to convert an integer of more than 4300 digits, which makes the whole body unreadable."""
    await blog.user("ada")
    response = check(await client.post("/api/posts", content=content, headers=JSON))
    refused(response, UNREADABLE if b"9" * 5000 in content else 422)


# Text JSON can carry but UTF-8 cannot: lone surrogates


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/api/users", b'{"username": "\\ud800", "email": "ada@example.com"}'),
        ("POST", "/api/users", b'{"\\udfff": 1}'),
        ("PATCH", "/api/posts/1", b'{"title": "half \\ud83d a smile"}'),
        ("PATCH", "/api/posts/1", b'{"title": "backwards \\ude00\\ud83d"}'),
    ],
    ids=["username", "key-with-fields-missing", "title", "reversed-pair"],
)
async def test_lone_surrogate(blog, client, check, harness_engine, method, path, content):
    await blog.post(await blog.user("ada"), "Untouched")
    refused(check(await client.request(method, path, content=content, headers=JSON)))
    assert stored(harness_engine, "SELECT username FROM users") == [("ada",)]
    assert stored(harness_engine, "SELECT title FROM posts") == [("Untouched",)]


async def test_escaped_surrogate_pair_is_one_character(client, check, harness_engine):
    content = b'{"username": "smile \\ud83d\\ude00", "email": "smile@example.com"}'
    assert check(await client.post("/api/users", content=content, headers=JSON)).status_code == 201
    assert stored(harness_engine, "SELECT username FROM users") == [("smile \U0001f600",)]


# Ids in paths and queries


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/posts/0"),
        ("PATCH", "/api/users/-1"),
        ("GET", "/api/users/-1/posts"),
        ("PUT", "/api/posts/0"),
        ("GET", "/api/posts/-99999999999999999999"),
        ("GET", "/api/posts/1.5"),
        ("GET", "/api/posts/1e3"),
        ("GET", "/api/posts/%00"),
        ("GET", "/api/users/%F0%9F%98%80"),
    ],
    ids=[
        "delete-zero",
        "patch-negative",
        "negative-user-posts",
        "put-zero",
        "huge-negative",
        "fraction",
        "exponent",
        "nul",
        "emoji",
    ],
)
async def test_bad_api_ids(blog, client, check, method, path):
    await blog.post(await blog.user("ada"), "Hello")
    body = {"title": "Hi", "content": "There", "user_id": 1} if method in ("PUT", "PATCH") else None
    refused(check(await client.request(method, path, json=body)))


@pytest.mark.parametrize(
    "query",
    ["skip=2147483648", "limit=1.5", "limit=", "skip=%00", "limit=1&limit=2"],
    ids=["skip-beyond-int32", "fraction-limit", "empty-limit", "nul-skip", "repeated-limit"],
)
async def test_bad_list_queries(blog, client, check, query):
    await blog.post(await blog.user("ada"), "Hello")
    await blog.post(await blog.user("bob"), "Hi")
    response = check(await client.get(f"/api/posts?{query}"))
    if query == "limit=1&limit=2":  # the last value counts
        assert len(response.json()) == 2
    else:
        refused(response)


@pytest.mark.parametrize(
    "path",
    ["/posts/%00", "/posts/1e3", "/users/0/posts", "/posts/99999999999999999999"],
    ids=["nul", "exponent", "zero-user", "huge"],
)
async def test_bad_page_ids(client, check, path):
    response = check(await client.get(path))
    refused(response)
    assert "<h1>422</h1>" in response.text


# Markup and SQL are text: stored as sent, escaped on the pages


async def test_markup_and_sql_are_stored_literally_and_escaped(blog, client, check, harness_engine):
    name = "<script>alert(1)</script>"
    title = "Robert'); DROP TABLE posts;--"
    content = "' OR '1'='1\" -- <img src=x onerror=alert(2)> &amp; \u202etxt.exe"
    user = await blog.user(name, "mallory@example.com")
    post = await blog.post(user, title, content)
    assert (user["username"], post["title"], post["content"]) == (name, title, content)
    check(await client.get(f"/api/users/{user['id']}/posts"))
    check(await client.get("/"))
    check(await client.get(f"/posts/{post['id']}"))
    check(await client.get(f"/users/{user['id']}/posts"))
    assert stored(harness_engine, "SELECT username FROM users") == [(name,)]
    assert stored(harness_engine, "SELECT title, content FROM posts") == [(title, content)]
    for page in ("/", f"/posts/{post['id']}", f"/users/{user['id']}/posts"):
        html = (await client.get(page)).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# The Host header names the site: the app answers only to its own names (ALLOWED_HOSTS)


@pytest.mark.parametrize("path", ["/api/posts/", "/posts/1/", "/api/posts", "/"])
async def test_unknown_host_is_refused(blog, client, path):
    await blog.post(await blog.user("ada"), "Hi")
    response = await client.get(path, headers={"host": "evil.example"})
    assert (response.status_code, response.text) == (400, "Invalid host header")
    assert "location" not in response.headers  # no redirect to a site the client named


async def test_trailing_slash_redirects_on_the_same_host(client):
    response = await client.get("/api/posts/")
    assert (response.status_code, response.headers["location"]) == (307, "http://localhost/api/posts")
