from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import items
from app.db.session import engine


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
app.include_router(items.router)
