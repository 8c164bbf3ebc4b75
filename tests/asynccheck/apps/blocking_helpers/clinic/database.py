from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

URL = "postgresql+asyncpg://clinic@localhost/clinic"
engine = create_async_engine(URL)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)

# Left over for the reports: a sync engine on the same database, through psycopg.
sync_engine = create_engine(URL.replace("+asyncpg", "+psycopg"))
ReportSession = sessionmaker(sync_engine, expire_on_commit=False)


async def get_session():
    async with SessionFactory() as session:
        yield session


def count_patients(db: Session) -> int:
    return db.query(Patient).count()
