from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from library import reports
from library.db import get_session, primary, replicas
from library.models import Book


@asynccontextmanager
async def lifespan(app: FastAPI):
    reports.configure_reports()
    yield
    for engine in [primary, *replicas, reports.reports_engine]:
        await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/books")
async def books(session: Annotated[AsyncSession, Depends(get_session)]):
    result = await session.scalars(select(Book).options(selectinload(Book.loans)))
    return [{"title": book.title, "loans": len(book.loans)} for book in result]


@app.get("/reports/loans")
async def loans():
    return [{"day": str(day), "loans": count} for day, count in await reports.loans_per_day()]
