from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.crud.base import CRUDBase
from app.models import Item


class ItemCreate(BaseModel):
    title: str


class CRUDItem(CRUDBase[Item, ItemCreate]):
    async def create_with_owner(self, db: AsyncSession, *, obj_in: ItemCreate, owner_id: int) -> Item:
        db_obj = Item(**obj_in.model_dump(), owner_id=owner_id)
        db.add(db_obj)
        await db.commit()
        return db_obj


item = CRUDItem(Item)
