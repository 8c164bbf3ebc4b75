import os

from sqlalchemy import create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# SQLite file in the working directory by default; for PostgreSQL set for example
# DATABASE_URL=postgresql://user@127.0.0.1:5432/blog (SQLAlchemy 2.1 uses psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./blog.db")


def enforce_foreign_keys(dbapi_connection, connection_record):
    # SQLite checks foreign keys (and cascades deletes) only on connections that ask for it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


connect_args = {"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {}
engine = create_engine(DATABASE_URL, connect_args=connect_args)
if engine.dialect.name == "sqlite":
    event.listen(engine, "connect", enforce_foreign_keys)
# expire_on_commit=False: after db.commit(), a route returns what it committed without another query.
SessionLocal = sessionmaker(engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db
