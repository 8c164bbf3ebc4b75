from sqlalchemy.ext.asyncio import AsyncSession

from app import crud, models
from app.schemas import ItemCreate
from tests.utils.user import create_random_user
from tests.utils.utils import random_lower_string


async def create_random_item(db: AsyncSession, *, owner_id: int | None = None) -> models.Item:
    if owner_id is None:
        owner_id = (await create_random_user(db)).id
    item_in = ItemCreate(title=random_lower_string(), description=random_lower_string())
    return await crud.item.create_with_owner(db, obj_in=item_in, owner_id=owner_id)
