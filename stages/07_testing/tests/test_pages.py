"""The HTML pages: home, a post, a user's posts, and the error page for everything that goes wrong."""

import pytest


def assert_html(response, status_code: int = 200) -> str:
    assert response.status_code == status_code
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


async def test_home_without_posts(client):
    html = assert_html(await client.get("/"))

    assert "<h1>Latest posts</h1>" in html
    assert "No posts yet." in html


async def test_home_lists_posts_newest_first(client, create_user, create_post):
    alice = await create_user("alice")
    first = await create_post(alice, "First post")
    second = await create_post(alice, "Second post")

    html = assert_html(await client.get("/"))

    assert f'<a href="/posts/{second["id"]}">Second post</a>' in html
    assert f'<a href="/posts/{first["id"]}">First post</a>' in html
    assert html.index("Second post") < html.index("First post")
    assert f'href="/users/{alice["id"]}/posts">alice</a>' in html
    assert "No posts yet." not in html


async def test_posts_is_the_home_page(client, create_user, create_post):
    await create_post(await create_user("alice"), "Only post")

    assert assert_html(await client.get("/posts")) == assert_html(await client.get("/"))


async def test_post_page(client, create_user, create_post):
    alice = await create_user("alice")
    post = await create_post(alice, "A title", "The whole text.")

    html = assert_html(await client.get(f"/posts/{post['id']}"))

    assert "<title>A title · FastAPI Blog</title>" in html
    assert "<h1>A title</h1>" in html
    assert '<p class="content">The whole text.</p>' in html
    assert f'<a href="/users/{alice["id"]}/posts">More from alice</a>' in html


async def test_pages_escape_what_users_wrote(client, create_user, create_post):
    post = await create_post(await create_user("alice"), "<script>alert(1)</script>", "a < b & c")

    html = assert_html(await client.get(f"/posts/{post['id']}"))

    assert "<script>" not in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "a &lt; b &amp; c" in html


async def test_user_posts_page(client, create_user, create_post):
    alice = await create_user("alice")
    bob = await create_user("bob")
    await create_post(alice, "Alice writes")
    await create_post(bob, "Bob writes")

    html = assert_html(await client.get(f"/users/{alice['id']}/posts"))

    assert "<h1>Posts by alice</h1>" in html
    assert "Alice writes" in html
    assert "Bob writes" not in html


async def test_user_posts_page_without_posts(client, create_user):
    alice = await create_user("alice")

    html = assert_html(await client.get(f"/users/{alice['id']}/posts"))

    assert "alice has not posted yet." in html


async def test_home_shows_ten_posts_a_page(client, create_user, create_post):
    alice = await create_user("alice")
    for n in range(1, 13):
        await create_post(alice, f"Post {n}")

    first = assert_html(await client.get("/"))
    second = assert_html(await client.get("/?page=2"))

    assert first.count('<article class="post">') == 10 and "Post 12" in first and "Post 3" in first
    assert '<a rel="next" href="?page=2">Older posts</a>' in first
    assert second.count('<article class="post">') == 2 and "Post 2" in second and "Post 1<" in second
    assert '<a rel="prev" href="?page=1">Newer posts</a>' in second
    assert_html(await client.get("/?page=3"), 404)


@pytest.mark.parametrize(
    ("url", "detail"),
    [("/posts/999", "Post not found"), ("/users/999/posts", "User not found"), ("/nowhere", "Not Found")],
)
async def test_missing_things_get_the_error_page(client, url, detail):
    html = assert_html(await client.get(url), 404)

    assert "<h1>404</h1>" in html
    assert f"<p>{detail}</p>" in html


@pytest.mark.parametrize(
    ("url", "field"), [("/posts/abc", "post_id"), ("/posts/0", "post_id"), ("/users/-5/posts", "user_id")]
)
async def test_bad_ids_get_the_error_page(client, url, field):
    html = assert_html(await client.get(url), 422)

    assert "<h1>422</h1>" in html
    assert f"<p>{field}: " in html


async def test_wrong_method_gets_the_error_page(client):
    response = await client.post("/")

    html = assert_html(response, 405)
    assert "<h1>405</h1>" in html
    assert "<p>Method Not Allowed</p>" in html
    assert response.headers["allow"] == "GET"


async def test_static_files(client):
    css = await client.get("/static/css/style.css")
    avatar = await client.get("/static/profile_pics/default.svg")

    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert ".site-header" in css.text
    assert (avatar.status_code, avatar.headers["content-type"]) == (200, "image/svg+xml")


async def test_openapi_lists_only_the_api(client):
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    assert sorted(response.json()["paths"]) == [
        "/api/posts",
        "/api/posts/{post_id}",
        "/api/users",
        "/api/users/{user_id}",
        "/api/users/{user_id}/posts",
    ]
