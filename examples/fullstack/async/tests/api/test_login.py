import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import crud
from app.core.config import settings
from app.core.security import create_password_reset_token
from tests.utils.user import create_random_user, user_authentication_headers
from tests.utils.utils import random_lower_string

API = settings.API_V1_STR


async def test_get_access_token(client: httpx.AsyncClient) -> None:
    login = {"username": settings.FIRST_SUPERUSER, "password": settings.FIRST_SUPERUSER_PASSWORD}
    response = await client.post(f"{API}/login/access-token", data=login)
    assert response.status_code == 200
    assert response.json()["access_token"]


async def test_get_access_token_incorrect_password(client: httpx.AsyncClient) -> None:
    login = {"username": settings.FIRST_SUPERUSER, "password": "incorrect"}
    response = await client.post(f"{API}/login/access-token", data=login)
    assert response.status_code == 400


async def test_use_access_token(client: httpx.AsyncClient, superuser_token_headers: dict[str, str]) -> None:
    response = await client.post(f"{API}/login/test-token", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["email"] == settings.FIRST_SUPERUSER


async def test_recovery_password_sends_email(client: httpx.AsyncClient, db: AsyncSession, mailbox) -> None:
    user = await create_random_user(db)
    response = await client.post(f"{API}/password-recovery/{user.email}")
    assert response.status_code == 200
    [(recipients, content)] = mailbox.messages
    assert recipients == [user.email]
    assert "/reset-password?token=" in content


async def test_recovery_password_unknown_email_sends_nothing(client: httpx.AsyncClient, mailbox) -> None:
    response = await client.post(f"{API}/password-recovery/nobody@example.com")
    assert response.status_code == 200
    assert mailbox.messages == []


async def test_reset_password(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await create_random_user(db)
    new_password = random_lower_string()
    body = {"token": create_password_reset_token(email=user.email), "new_password": new_password}
    response = await client.post(f"{API}/reset-password/", json=body)
    assert response.status_code == 200
    assert await user_authentication_headers(client=client, email=user.email, password=new_password)
    db.expunge_all()  # forget the user this session made: ask the database
    assert await crud.user.authenticate(db, email=user.email, password=new_password) is not None


async def test_reset_password_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{API}/reset-password/", json={"token": "invalid", "new_password": "x" * 10}
    )
    assert response.status_code == 400
