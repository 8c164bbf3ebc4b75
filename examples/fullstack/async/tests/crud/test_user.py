import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from app import crud
from app.core.security import verify_password
from app.schemas import UserCreate, UserUpdate
from tests.utils.item import create_random_item
from tests.utils.utils import random_email, random_lower_string


async def test_create_user(db: AsyncSession) -> None:
    email, password = random_email(), random_lower_string()
    user = await crud.user.create(db, obj_in=UserCreate(email=email, password=password))
    assert user.email == email
    assert user.hashed_password != password
    assert await anyio.to_thread.run_sync(verify_password, password, user.hashed_password)


async def test_authenticate_user(db: AsyncSession) -> None:
    email, password = random_email(), random_lower_string()
    await crud.user.create(db, obj_in=UserCreate(email=email, password=password))
    assert await crud.user.authenticate(db, email=email, password=password) is not None
    assert await crud.user.authenticate(db, email=email, password="wrong-password") is None
    assert await crud.user.authenticate(db, email=random_email(), password=password) is None


async def test_update_user_password(db: AsyncSession) -> None:
    user = await crud.user.create(db, obj_in=UserCreate(email=random_email(), password=random_lower_string()))
    new_password = random_lower_string()
    await crud.user.update(db, db_obj=user, obj_in=UserUpdate(password=new_password))
    assert await anyio.to_thread.run_sync(verify_password, new_password, user.hashed_password)


async def test_get_multi_in_id_order(db: AsyncSession) -> None:
    ids = [
        (await crud.user.create(db, obj_in=UserCreate(email=random_email(), password="p" * 8))).id
        for _ in range(3)
    ]
    users = await crud.user.get_multi(db, skip=0, limit=1000)
    assert [user.id for user in users if user.id in ids] == ids


async def test_remove_user_removes_items(db: AsyncSession) -> None:
    item = await create_random_item(db)
    owner_id, item_id = item.owner_id, item.id
    removed = await crud.user.remove(db, id=owner_id)
    assert removed is not None and removed.id == owner_id
    db.expunge_all()
    assert await crud.item.get(db, id=item_id) is None
    assert await crud.user.remove(db, id=owner_id) is None
