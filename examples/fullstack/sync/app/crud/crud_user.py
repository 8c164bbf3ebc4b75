from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.security import get_password_hash, verify_password
from app.crud.base import CRUDBase
from app.models import Item, User
from app.schemas import UserCreate, UserUpdate


class CRUDUser(CRUDBase[User, UserCreate, UserUpdate]):
    def get_by_email(self, db: Session, *, email: str) -> User | None:
        return db.scalar(select(User).where(User.email == email))

    def create(self, db: Session, *, obj_in: UserCreate) -> User:
        data = obj_in.model_dump(exclude={"password"})
        db_obj = User(**data, hashed_password=get_password_hash(obj_in.password))
        db.add(db_obj)
        db.commit()
        db.refresh(db_obj)
        return db_obj

    def update(self, db: Session, *, db_obj: User, obj_in: UserUpdate | dict[str, Any]) -> User:
        data = obj_in if isinstance(obj_in, dict) else obj_in.model_dump(exclude_unset=True)
        if data.get("password"):
            data["hashed_password"] = get_password_hash(data.pop("password"))
        return super().update(db, db_obj=db_obj, obj_in=data)

    def authenticate(self, db: Session, *, email: str, password: str) -> User | None:
        user = self.get_by_email(db, email=email)
        if user is None or not verify_password(password, user.hashed_password):
            return None
        return user

    def remove(self, db: Session, *, id: int) -> User | None:
        # The user's items go first, in one statement: deleting the user never loads them.
        db.execute(delete(Item).where(Item.owner_id == id))
        return super().remove(db, id=id)


user = CRUDUser(User)
