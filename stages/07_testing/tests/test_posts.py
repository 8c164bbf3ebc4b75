"""The posts API: create, list, read, replace, update, delete, and the errors a client can run into."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import models


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_create_post(client, db, create_user):
    alice = await create_user("alice")
    body = {"title": "Hello", "content": "First words.", "user_id": alice["id"]}

    before = datetime.now(UTC)
    response = await client.post("/api/posts", json=body)
    after = datetime.now(UTC)

    assert response.status_code == 201
    data = response.json()
    assert (data["title"], data["content"], data["user_id"]) == ("Hello", "First words.", alice["id"])
    assert data["author"] == alice
    assert before <= datetime.fromisoformat(data["date_posted"]) <= after
    post = await db.get(models.Post, data["id"])
    assert (post.title, post.content, post.user_id) == ("Hello", "First words.", alice["id"])


async def test_create_post_for_a_missing_user(client, db):
    response = await client.post("/api/posts", json={"title": "Hi", "content": "Words.", "user_id": 999})

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}
    assert await count(db, models.Post) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "t" * 101}, "title"),
        ({"content": ""}, "content"),
        ({"user_id": 0}, "user_id"),
        ({"user_id": "alice"}, "user_id"),
    ],
)
async def test_create_post_with_invalid_data(client, db, create_user, changes, field):
    alice = await create_user("alice")
    body = {"title": "Hello", "content": "First words.", "user_id": alice["id"], **changes}

    response = await client.post("/api/posts", json=body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert await count(db, models.Post) == 0


async def test_create_post_with_broken_json(client):
    headers = {"content-type": "application/json"}

    response = await client.post("/api/posts", content=b'{"title": ', headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_list_posts_newest_first(client, create_user, create_post):
    alice = await create_user("alice")
    first = await create_post(alice, "First")
    second = await create_post(alice, "Second")

    response = await client.get("/api/posts")

    assert response.status_code == 200
    assert response.json() == [second, first]


async def test_list_posts_skip_and_limit(client, create_user, create_post):
    alice = await create_user("alice")
    posts = [await create_post(alice, f"Post {number}") for number in range(5)]
    newest_first = [post["id"] for post in reversed(posts)]

    response = await client.get("/api/posts", params={"skip": 1, "limit": 2})

    assert response.status_code == 200
    assert [post["id"] for post in response.json()] == newest_first[1:3]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"skip": -1}])
async def test_list_posts_with_bad_paging(client, params):
    response = await client.get("/api/posts", params=params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", *params]


async def test_get_post(client, create_user, create_post):
    post = await create_post(await create_user("alice"))

    response = await client.get(f"/api/posts/{post['id']}")

    assert response.status_code == 200
    assert response.json() == post


async def test_get_missing_post(client):
    response = await client.get("/api/posts/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Post not found"}


async def test_replace_post(client, db, create_user, create_post):
    alice = await create_user("alice")
    bob = await create_user("bob")
    post = await create_post(alice, "Old title", "Old words.")
    body = {"title": "New title", "content": "New words.", "user_id": bob["id"]}

    response = await client.put(f"/api/posts/{post['id']}", json=body)

    assert response.status_code == 200
    data = response.json()
    assert (data["title"], data["content"], data["author"]) == ("New title", "New words.", bob)
    stored = await db.get(models.Post, post["id"])
    assert (stored.title, stored.content, stored.user_id) == ("New title", "New words.", bob["id"])


async def test_replace_post_with_a_missing_author(client, db, create_user, create_post):
    alice = await create_user("alice")
    post = await create_post(alice, "Title")
    body = {"title": "New title", "content": "New words.", "user_id": 999}

    response = await client.put(f"/api/posts/{post['id']}", json=body)

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}
    stored = await db.get(models.Post, post["id"])
    assert (stored.title, stored.user_id) == ("Title", alice["id"])


async def test_update_post_changes_only_what_is_sent(client, db, create_user, create_post):
    post = await create_post(await create_user("alice"), "Old title", "Kept words.")

    response = await client.patch(f"/api/posts/{post['id']}", json={"title": "New title"})

    assert response.status_code == 200
    assert response.json() == {**post, "title": "New title"}
    stored = await db.get(models.Post, post["id"])
    assert (stored.title, stored.content) == ("New title", "Kept words.")


async def test_update_missing_post(client):
    response = await client.patch("/api/posts/999", json={"title": "New title"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Post not found"}


async def test_delete_post(client, db, create_user, create_post):
    alice = await create_user("alice")
    post = await create_post(alice)

    response = await client.delete(f"/api/posts/{post['id']}")

    assert response.status_code == 204
    assert (await client.get(f"/api/posts/{post['id']}")).status_code == 404
    assert await db.get(models.Post, post["id"]) is None
    assert await db.get(models.User, alice["id"]) is not None


async def test_delete_missing_post(client):
    response = await client.delete("/api/posts/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Post not found"}


@pytest.mark.parametrize(("method", "url"), [("DELETE", "/api/posts"), ("POST", "/api/posts/1")])
async def test_method_not_allowed(client, method, url):
    response = await client.request(method, url)

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert "GET" in response.headers["allow"]


async def test_unknown_api_path(client):
    response = await client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
