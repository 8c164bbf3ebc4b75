from sqlalchemy.orm import joinedload
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.crud.base import CRUDBase
from app.models import Item
from app.schemas import ItemCreate, ItemUpdate


class CRUDItem(CRUDBase[Item, ItemCreate, ItemUpdate]):
    # ItemPublic shows the owner: get() and get_multi() load it in the same query.
    load_options = (joinedload(Item.owner),)

    async def create_with_owner(self, db: AsyncSession, *, obj_in: ItemCreate, owner_id: int) -> Item:
        db_obj = Item(**obj_in.model_dump(), owner_id=owner_id)
        db.add(db_obj)
        await db.commit()
        await db.refresh(
            db_obj, ["owner"]
        )  # a refresh that names a relationship loads it, lazy="raise" or not
        return db_obj

    async def get_multi_by_owner(
        self, db: AsyncSession, *, owner_id: int, skip: int = 0, limit: int = 100
    ) -> list[Item]:
        statement = (
            select(Item).where(Item.owner_id == owner_id).order_by(col(Item.id)).offset(skip).limit(limit)
        )
        return list(await db.exec(statement.options(*self.load_options)))


item = CRUDItem(Item)
