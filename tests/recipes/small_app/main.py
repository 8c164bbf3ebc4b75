from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from database import Base, engine, get_async_db
from models import Item, User


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str


class UserIn(BaseModel):
    email: str


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    items: list[ItemOut]


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
DbSession = Annotated[AsyncSession, Depends(get_async_db)]


async def get_user_or_404(db: AsyncSession, user_id: int) -> User:
    user = await db.get(User, user_id, options=[selectinload(User.items)])
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@app.post("/users", response_model=UserOut, status_code=201)
async def create_user(user: UserIn, db: DbSession):
    new_user = User(email=user.email, items=[])
    db.add(new_user)
    await db.commit()
    return new_user


@app.get("/users/{user_id}", response_model=UserOut)
async def get_user(user_id: int, db: DbSession):
    return await get_user_or_404(db, user_id)


@app.post("/users/{user_id}/items", response_model=ItemOut, status_code=201)
async def create_item(user_id: int, title: str, db: DbSession):
    item = Item(title=title, owner=await get_user_or_404(db, user_id))
    db.add(item)
    await db.commit()
    return item
