import os

from sqlalchemy import create_engine, make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# SQLite file in the working directory by default; for PostgreSQL set for example
# DATABASE_URL=postgresql://user@127.0.0.1:5432/blog (SQLAlchemy 2.1 uses psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./blog.db")

# The same database through an asyncio driver. This is the one place that maps the two.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
url = make_url(DATABASE_URL)
ASYNC_DATABASE_URL = url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()])

connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=connect_args)
SessionLocal = sessionmaker(engine, autoflush=False)

async_engine = create_async_engine(ASYNC_DATABASE_URL)
# expire_on_commit=False: after an await db.commit(), reading an attribute must not need the database.
AsyncSessionLocal = async_sessionmaker(async_engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db
