from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shop import crud, schemas
from shop.database import engine, get_session

Session = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.post("/customers", response_model=schemas.CustomerOut, status_code=201)
async def create_customer(body: schemas.CustomerIn, session: Session):
    return await crud.create_customer(session, body.email, body.password)


@app.get("/orders", response_model=list[schemas.OrderOut])
async def list_orders(session: Session, limit: int = 50):
    return await crud.list_orders(session, limit)
