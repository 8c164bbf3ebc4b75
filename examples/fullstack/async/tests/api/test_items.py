import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import crud
from app.core.config import settings
from tests.utils.item import create_random_item

API = settings.API_V1_STR


async def test_create_item(client: httpx.AsyncClient, superuser_token_headers: dict[str, str]) -> None:
    body = {"title": "Foo", "description": "Fighters"}
    response = await client.post(f"{API}/items/", headers=superuser_token_headers, json=body)
    assert response.status_code == 201
    content = response.json()
    assert (content["title"], content["description"]) == ("Foo", "Fighters")
    assert content["owner"]["email"] == settings.FIRST_SUPERUSER


async def test_read_item(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    item = await create_random_item(db)
    response = await client.get(f"{API}/items/{item.id}", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["title"] == item.title
    assert response.json()["owner_id"] == item.owner_id


async def test_read_item_not_found(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(f"{API}/items/999999", headers=superuser_token_headers)
    assert response.status_code == 404


async def test_read_item_not_enough_permissions(
    client: httpx.AsyncClient, normal_user_token_headers: dict[str, str], db: AsyncSession
) -> None:
    item = await create_random_item(db)
    response = await client.get(f"{API}/items/{item.id}", headers=normal_user_token_headers)
    assert response.status_code == 403


async def test_read_items_own_only(
    client: httpx.AsyncClient, normal_user_token_headers: dict[str, str], db: AsyncSession
) -> None:
    await create_random_item(db)
    response = await client.post(f"{API}/items/", headers=normal_user_token_headers, json={"title": "mine"})
    mine = response.json()
    response = await client.get(f"{API}/items/", headers=normal_user_token_headers)
    assert response.status_code == 200
    assert mine in response.json()
    assert {item["owner_id"] for item in response.json()} == {mine["owner_id"]}


async def test_update_item(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    item = await create_random_item(db)
    body = {"title": "Updated title"}
    response = await client.put(f"{API}/items/{item.id}", headers=superuser_token_headers, json=body)
    assert response.status_code == 200
    assert response.json()["title"] == "Updated title"
    assert response.json()["description"] == item.description


async def test_delete_item(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    item_id = (await create_random_item(db)).id
    response = await client.delete(f"{API}/items/{item_id}", headers=superuser_token_headers)
    assert response.status_code == 200
    db.expunge_all()  # forget the item this session made: ask the database
    assert await crud.item.get(db, id=item_id) is None
