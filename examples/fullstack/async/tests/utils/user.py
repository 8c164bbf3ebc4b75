import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import crud, models
from app.core.config import settings
from app.schemas import UserCreate, UserUpdate
from tests.utils.utils import random_email, random_lower_string

EMAIL_TEST_USER = "test@example.com"


async def user_authentication_headers(
    *, client: httpx.AsyncClient, email: str, password: str
) -> dict[str, str]:
    response = await client.post(
        f"{settings.API_V1_STR}/login/access-token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def create_random_user(db: AsyncSession, *, password: str | None = None) -> models.User:
    user_in = UserCreate(email=random_email(), password=password or random_lower_string())
    return await crud.user.create(db, obj_in=user_in)


async def authentication_token_from_email(
    *, client: httpx.AsyncClient, email: str, db: AsyncSession
) -> dict[str, str]:
    """A token for the user with this email, made first if it does not exist; its password is reset."""
    password = random_lower_string()
    user = await crud.user.get_by_email(db, email=email)
    if user is None:
        await crud.user.create(db, obj_in=UserCreate(email=email, password=password))
    else:
        await crud.user.update(db, db_obj=user, obj_in=UserUpdate(password=password))
    return await user_authentication_headers(client=client, email=email, password=password)
