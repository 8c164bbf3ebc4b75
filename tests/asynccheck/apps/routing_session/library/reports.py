from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from library import db
from library.models import Loan

reports_engine = create_async_engine("postgresql+asyncpg://library@reports/library")


def configure_reports() -> None:
    db.ReportSession.configure(bind=reports_engine)


async def loans_per_day():
    async with db.ReportSession() as session:
        rows = await session.execute(select(func.date(Loan.due), func.count()).group_by(func.date(Loan.due)))
        return rows.all()
