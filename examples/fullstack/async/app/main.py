from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.main import api_router
from app.core.config import settings
from app.db.session import engine


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Alembic owns the schema (alembic upgrade head before the app starts): no create_all here.
    # The lifespan only closes the pool's connections, on the event loop that opened them.
    yield
    await engine.dispose()


app = FastAPI(
    title=settings.PROJECT_NAME, openapi_url=f"{settings.API_V1_STR}/openapi.json", lifespan=lifespan
)
app.include_router(api_router, prefix=settings.API_V1_STR)
