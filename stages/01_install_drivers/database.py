import os

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# SQLite file in the working directory by default; for PostgreSQL set for example
# DATABASE_URL=postgresql://user@127.0.0.1:5432/blog (SQLAlchemy 2.1 uses psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./blog.db")

connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=connect_args)
SessionLocal = sessionmaker(engine, autoflush=False)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db
