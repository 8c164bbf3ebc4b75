from typing import Any

import anyio
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import get_password_hash, verify_password
from app.crud.base import CRUDBase
from app.models import Item, User
from app.schemas import UserCreate, UserUpdate


class CRUDUser(CRUDBase[User, UserCreate, UserUpdate]):
    async def get_by_email(self, db: AsyncSession, *, email: str) -> User | None:
        return await db.scalar(select(User).where(User.email == email))

    async def create(self, db: AsyncSession, *, obj_in: UserCreate) -> User:
        data = obj_in.model_dump(exclude={"password"})
        # Hashing takes tens of milliseconds of CPU: in a worker thread, the event loop goes on meanwhile.
        hashed_password = await anyio.to_thread.run_sync(get_password_hash, obj_in.password)
        db_obj = User(**data, hashed_password=hashed_password)
        db.add(db_obj)
        await db.commit()
        await db.refresh(db_obj)
        return db_obj

    async def update(self, db: AsyncSession, *, db_obj: User, obj_in: UserUpdate | dict[str, Any]) -> User:
        data = obj_in if isinstance(obj_in, dict) else obj_in.model_dump(exclude_unset=True)
        if data.get("password"):
            data["hashed_password"] = await anyio.to_thread.run_sync(get_password_hash, data.pop("password"))
        return await super().update(db, db_obj=db_obj, obj_in=data)

    async def authenticate(self, db: AsyncSession, *, email: str, password: str) -> User | None:
        user = await self.get_by_email(db, email=email)
        if user is None or not await anyio.to_thread.run_sync(
            verify_password, password, user.hashed_password
        ):
            return None
        return user

    async def remove(self, db: AsyncSession, *, id: int) -> User | None:
        # The user's items go first, in one statement: deleting the user never loads them.
        await db.execute(delete(Item).where(Item.owner_id == id))
        return await super().remove(db, id=id)


user = CRUDUser(User)
