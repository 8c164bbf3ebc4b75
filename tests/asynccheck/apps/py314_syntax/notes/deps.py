"""Written for Python 3.14: `except A, B:` without parentheses (PEP 758), a `type` alias (PEP 695)."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///./notes.db")
async_engine = create_async_engine("sqlite+aiosqlite:///./notes.db")
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def get_db():
    db = SessionLocal()
    try:
        yield db
    except ValueError, LookupError:
        db.rollback()
        raise
    finally:
        db.close()


type SessionDep = Annotated[Session, Depends(get_db)]
