from collections.abc import AsyncIterator

from fastapi import Depends, HTTPException

from app import crud
from app.db.session import async_session


async def get_db() -> AsyncIterator:
    async with async_session() as session:
        yield session


async def get_current_user(user_id: int, db=Depends(get_db)):
    user = await crud.user.get(db, id=user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return user
