from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.db import engine, get_session
from api.models import Hero

SessionDep = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/heroes")
async def heroes(session: SessionDep):
    result = await session.exec(select(Hero))
    return [{"id": hero.id, "name": hero.name} for hero in result]
