"""Wait for the database to answer before the app starts (the container's pre-start step):
`python -m app.backend_pre_start`."""

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.session import engine

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

MAX_TRIES = 60 * 5
WAIT_SECONDS = 1


async def init(db_engine: AsyncEngine) -> None:
    for attempt in range(1, MAX_TRIES + 1):
        try:
            async with db_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return
        except (DBAPIError, OSError) as error:
            if attempt == MAX_TRIES:
                raise
            logger.warning("database not ready (try %d of %d): %s", attempt, MAX_TRIES, error)
            await asyncio.sleep(WAIT_SECONDS)


async def main() -> None:
    logger.info("Initializing service")
    try:
        await init(engine)
    finally:
        # Close the pool's connections while the event loop that opened them still runs.
        await engine.dispose()
    logger.info("Service finished initializing")


if __name__ == "__main__":
    asyncio.run(main())
