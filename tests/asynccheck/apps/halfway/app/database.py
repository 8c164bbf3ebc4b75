from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# The sync engine stays until the last sync route is converted.
sync_engine = create_engine("sqlite:///./shop.db")
SyncSession = sessionmaker(sync_engine, autoflush=False, expire_on_commit=False)

engine = create_async_engine("sqlite+aiosqlite:///./shop.db")
AsyncSessionLocal = async_sessionmaker(engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_sync_db():
    with SyncSession() as db:
        yield db


async def get_db():
    async with AsyncSessionLocal() as db:
        yield db
