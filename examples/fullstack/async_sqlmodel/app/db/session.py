from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import settings

# The same DATABASE_URL as before, through an asyncio driver: aiosqlite or asyncpg.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
url = make_url(settings.DATABASE_URL)
ASYNC_DATABASE_URL = url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()])

engine = create_async_engine(ASYNC_DATABASE_URL, pool_pre_ping=True)
# class_: SQLModel's AsyncSession, the one with exec(); SQLAlchemy's has none.
# expire_on_commit=False: after `await db.commit()`, reading an attribute must not need the database.
AsyncSessionLocal = async_sessionmaker(engine, class_=AsyncSession, autoflush=False, expire_on_commit=False)
