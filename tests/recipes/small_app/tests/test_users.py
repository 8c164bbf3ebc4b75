"""The reader's own tests, written against the fixtures of the complete conftest."""

from sqlalchemy import func, select

from models import Item, User


async def test_create_user(client, db):
    response = await client.post("/users", json={"email": "alice@example.com"})

    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "email": "alice@example.com", "items": []}
    assert (await db.get(User, response.json()["id"])).email == "alice@example.com"


async def test_items_are_stored_and_listed(client, db):
    user = (await client.post("/users", json={"email": "bob@example.com"})).json()

    created = await client.post(f"/users/{user['id']}/items", params={"title": "pen"})

    assert created.status_code == 201
    listed = (await client.get(f"/users/{user['id']}")).json()
    assert [item["title"] for item in listed["items"]] == ["pen"]
    assert await db.scalar(select(func.count()).select_from(Item)) == 1


async def test_every_test_starts_on_empty_tables(db):
    assert await db.scalar(select(func.count()).select_from(User)) == 0


async def test_missing_user(client):
    response = await client.get("/users/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}
