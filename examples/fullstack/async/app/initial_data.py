"""Create the first superuser, after `alembic upgrade head`: `python -m app.initial_data`."""

import asyncio
import logging

from app.db.init_db import init_db
from app.db.session import AsyncSessionLocal, engine

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)


async def main() -> None:
    logger.info("Creating initial data")
    try:
        async with AsyncSessionLocal() as db:
            await init_db(db)
    finally:
        await engine.dispose()
    logger.info("Initial data created")


if __name__ == "__main__":
    asyncio.run(main())
