import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import crud
from app.core.config import settings
from tests.utils.item import create_random_item
from tests.utils.user import EMAIL_TEST_USER, create_random_user
from tests.utils.utils import random_email, random_lower_string

API = settings.API_V1_STR


async def test_get_users_superuser_me(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(f"{API}/users/me", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["is_superuser"] is True
    assert response.json()["email"] == settings.FIRST_SUPERUSER


async def test_get_users_normal_user_me(
    client: httpx.AsyncClient, normal_user_token_headers: dict[str, str]
) -> None:
    response = await client.get(f"{API}/users/me", headers=normal_user_token_headers)
    assert response.status_code == 200
    assert response.json()["is_superuser"] is False
    assert response.json()["email"] == EMAIL_TEST_USER


async def test_create_user_new_email(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    body = {"email": random_email(), "password": random_lower_string()}
    response = await client.post(f"{API}/users/", headers=superuser_token_headers, json=body)
    assert response.status_code == 201
    user = await crud.user.get_by_email(db, email=body["email"])
    assert user is not None and user.id == response.json()["id"]


async def test_create_user_existing_email(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    user = await create_random_user(db)
    body = {"email": user.email, "password": random_lower_string()}
    response = await client.post(f"{API}/users/", headers=superuser_token_headers, json=body)
    assert response.status_code == 400


async def test_create_user_by_normal_user(
    client: httpx.AsyncClient, normal_user_token_headers: dict[str, str]
) -> None:
    body = {"email": random_email(), "password": random_lower_string()}
    response = await client.post(f"{API}/users/", headers=normal_user_token_headers, json=body)
    assert response.status_code == 403


async def test_get_existing_user_as_normal_user(
    client: httpx.AsyncClient, normal_user_token_headers: dict[str, str], db: AsyncSession
) -> None:
    other = await create_random_user(db)
    response = await client.get(f"{API}/users/{other.id}", headers=normal_user_token_headers)
    assert response.status_code == 403


async def test_retrieve_users(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    created = {(await create_random_user(db)).email, (await create_random_user(db)).email}
    response = await client.get(f"{API}/users/", headers=superuser_token_headers)
    assert response.status_code == 200
    assert created <= {user["email"] for user in response.json()}


async def test_update_user_me(client: httpx.AsyncClient, normal_user_token_headers: dict[str, str]) -> None:
    response = await client.patch(
        f"{API}/users/me", headers=normal_user_token_headers, json={"full_name": "Tester"}
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Tester"


async def test_delete_user_with_items(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], db: AsyncSession
) -> None:
    item = await create_random_item(db)
    owner_id, item_id = item.owner_id, item.id
    response = await client.delete(f"{API}/users/{owner_id}", headers=superuser_token_headers)
    assert response.status_code == 200
    db.expunge_all()  # forget the rows this session made: ask the database
    assert await crud.user.get(db, id=owner_id) is None
    assert await crud.item.get(db, id=item_id) is None


async def test_delete_user_self_superuser(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str]
) -> None:
    me = (await client.get(f"{API}/users/me", headers=superuser_token_headers)).json()
    response = await client.delete(f"{API}/users/{me['id']}", headers=superuser_token_headers)
    assert response.status_code == 403
