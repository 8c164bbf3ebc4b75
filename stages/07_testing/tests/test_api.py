"""The JSON API through the app, in process: each test sends requests with `client` and checks what the
database holds with `db`, on the same event loop."""

import pytest
from sqlalchemy import select

import models


async def create_user(client, username: str) -> dict:
    response = await client.post(
        "/api/users", json={"username": username, "email": f"{username}@example.com"}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def create_post(client, user: dict, title: str) -> dict:
    body = {"title": title, "content": "Some words.", "user_id": user["id"]}
    response = await client.post("/api/posts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_post_stores_it_with_its_author(client, db):
    alice = await create_user(client, "alice")

    post = await create_post(client, alice, "Hello")

    assert (post["title"], post["author"]) == ("Hello", alice)
    stored = await db.get(models.Post, post["id"])
    assert (stored.title, stored.user_id) == ("Hello", alice["id"])


async def test_update_post_changes_only_what_is_sent(client, db):
    post = await create_post(client, await create_user(client, "alice"), "Hello")

    response = await client.patch(f"/api/posts/{post['id']}", json={"title": "Hello again"})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["content"]) == ("Hello again", "Some words.")
    assert (await db.get(models.Post, post["id"])).title == "Hello again"


async def test_delete_user_deletes_their_posts(client, db):
    alice, bob = await create_user(client, "alice"), await create_user(client, "bob")
    await create_post(client, alice, "Alice one")
    await create_post(client, bob, "Bob one")

    response = await client.delete(f"/api/users/{alice['id']}")

    assert response.status_code == 204
    assert (await db.scalars(select(models.Post.title))).all() == ["Bob one"]


@pytest.mark.parametrize(
    ("method", "url", "status", "detail"),
    [
        ("GET", "/api/posts/999", 404, "Post not found"),
        ("DELETE", "/api/users/999", 404, "User not found"),
        ("PUT", "/api/users", 405, "Method Not Allowed"),
    ],
)
async def test_errors_answer_json(client, method, url, status, detail):
    response = await client.request(method, url)

    assert response.status_code == status
    assert response.json() == {"detail": detail}
