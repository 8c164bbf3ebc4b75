from sqlalchemy import select
from sqlalchemy.orm import Session

from app.crud.base import CRUDBase
from app.models import Item, User
from app.schemas import ItemCreate, ItemUpdate


class CRUDItem(CRUDBase[Item, ItemCreate, ItemUpdate]):
    def create_with_owner(self, db: Session, *, obj_in: ItemCreate, owner_id: int) -> Item:
        # ItemPublic shows the owner: it is set before the commit, so nothing is read after it. The
        # request's session already holds the current user, and get() then sends no query.
        owner = db.get(User, owner_id)
        db_obj = Item(**obj_in.model_dump(), owner=owner)
        db.add(db_obj)
        db.commit()
        return db_obj

    def get_multi_by_owner(
        self, db: Session, *, owner_id: int, skip: int = 0, limit: int = 100
    ) -> list[Item]:
        statement = select(Item).where(Item.owner_id == owner_id).order_by(Item.id).offset(skip).limit(limit)
        return list(db.scalars(statement))


item = CRUDItem(Item)
