"""Writes go to the primary, reads to a replica: the session class picks the engine per statement."""

import random

from sqlalchemy import Delete, Insert, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

primary = create_async_engine("postgresql+asyncpg://library@primary/library")
replicas = [create_async_engine(f"postgresql+asyncpg://library@replica{n}/library") for n in (1, 2)]


class RoutingSession(Session):
    def get_bind(self, mapper=None, clause=None, **kwargs):
        if self._flushing or isinstance(clause, (Insert, Update, Delete)):
            return primary.sync_engine
        return random.choice(replicas).sync_engine


SessionFactory = async_sessionmaker(sync_session_class=RoutingSession, expire_on_commit=False)

# The reports job binds its own factory at start-up (reports.configure_reports).
ReportSession = sessionmaker(class_=AsyncSession, expire_on_commit=False)


async def get_session():
    async with SessionFactory() as session:
        yield session
