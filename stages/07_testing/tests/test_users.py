"""The users API: create, read, update, delete, and the errors a client can run into."""

import pytest
from sqlalchemy import func, select

import models


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_create_user(client, db):
    response = await client.post("/api/users", json={"username": "alice", "email": "alice@example.com"})

    assert response.status_code == 201
    data = response.json()
    assert data == {
        "id": data["id"],
        "username": "alice",
        "email": "alice@example.com",
        "image_file": "default.svg",
        "image_path": "/static/profile_pics/default.svg",
    }
    user = await db.get(models.User, data["id"])
    assert (user.username, user.email) == ("alice", "alice@example.com")


async def test_get_user(client, create_user):
    alice = await create_user("alice")

    response = await client.get(f"/api/users/{alice['id']}")

    assert response.status_code == 200
    assert response.json() == alice


async def test_get_missing_user(client):
    response = await client.get("/api/users/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


@pytest.mark.parametrize("user_id", ["0", "-1", "abc", "2147483648"])
async def test_get_user_with_an_impossible_id(client, user_id):
    response = await client.get(f"/api/users/{user_id}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "user_id"]


async def test_create_user_with_a_taken_username(client, db, create_user):
    await create_user("alice", "alice@example.com")

    response = await client.post("/api/users", json={"username": "alice", "email": "other@example.com"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Username already exists"}
    assert await count(db, models.User) == 1


async def test_create_user_with_a_taken_email(client, db, create_user):
    await create_user("alice", "alice@example.com")

    response = await client.post("/api/users", json={"username": "bob", "email": "alice@example.com"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Email already registered"}
    assert await count(db, models.User) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alice", "email": "not-an-email"}, "email"),
        ({"username": "", "email": "alice@example.com"}, "username"),
        ({"username": "a" * 51, "email": "alice@example.com"}, "username"),
        ({"email": "alice@example.com"}, "username"),
        ({"username": "al\x00ice", "email": "alice@example.com"}, "username"),
    ],
)
async def test_create_user_with_invalid_data(client, db, body, field):
    response = await client.post("/api/users", json=body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert await count(db, models.User) == 0


async def test_update_user(client, db, create_user):
    alice = await create_user("alice")

    response = await client.patch(f"/api/users/{alice['id']}", json={"email": "alice@example.org"})

    assert response.status_code == 200
    assert response.json() == {**alice, "email": "alice@example.org"}
    user = await db.get(models.User, alice["id"])
    assert (user.username, user.email) == ("alice", "alice@example.org")


async def test_update_user_keeping_its_own_username(client, create_user):
    alice = await create_user("alice")

    response = await client.patch(f"/api/users/{alice['id']}", json={"username": "alice"})

    assert response.status_code == 200
    assert response.json() == alice


async def test_update_user_to_a_taken_username(client, db, create_user):
    alice = await create_user("alice")
    await create_user("bob")

    response = await client.patch(f"/api/users/{alice['id']}", json={"username": "bob"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Username already exists"}
    user = await db.get(models.User, alice["id"])
    assert user.username == "alice"


async def test_update_missing_user(client):
    response = await client.patch("/api/users/999", json={"username": "nobody"})

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


async def test_delete_user(client, db, create_user):
    alice = await create_user("alice")

    response = await client.delete(f"/api/users/{alice['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/api/users/{alice['id']}")).status_code == 404
    assert await db.get(models.User, alice["id"]) is None


async def test_delete_user_deletes_their_posts(client, db, create_user, create_post):
    alice = await create_user("alice")
    bob = await create_user("bob")
    await create_post(alice, "Alice one")
    await create_post(alice, "Alice two")
    bobs_post = await create_post(bob, "Bob one")

    response = await client.delete(f"/api/users/{alice['id']}")

    assert response.status_code == 204
    titles = (await db.scalars(select(models.Post.title))).all()
    assert titles == ["Bob one"]
    assert (await client.get(f"/api/posts/{bobs_post['id']}")).status_code == 200


async def test_delete_missing_user(client):
    response = await client.delete("/api/users/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


async def test_user_posts_newest_first(client, create_user, create_post):
    alice = await create_user("alice")
    bob = await create_user("bob")
    first = await create_post(alice, "First")
    await create_post(bob, "Not Alice's")
    second = await create_post(alice, "Second")

    response = await client.get(f"/api/users/{alice['id']}/posts")

    assert response.status_code == 200
    assert [post["id"] for post in response.json()] == [second["id"], first["id"]]
    assert {post["author"]["username"] for post in response.json()} == {"alice"}


async def test_posts_of_a_missing_user(client):
    response = await client.get("/api/users/999/posts")

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}
