"""Wait for the database to answer before the app starts (the container's pre-start step):
`python -m app.backend_pre_start`."""

import logging
import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.db.session import engine

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

MAX_TRIES = 60 * 5
WAIT_SECONDS = 1


def init(db_engine: Engine) -> None:
    for attempt in range(1, MAX_TRIES + 1):
        try:
            with db_engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return
        except (DBAPIError, OSError) as error:
            if attempt == MAX_TRIES:
                raise
            logger.warning("database not ready (try %d of %d): %s", attempt, MAX_TRIES, error)
            time.sleep(WAIT_SECONDS)


def main() -> None:
    logger.info("Initializing service")
    init(engine)
    logger.info("Service finished initializing")


if __name__ == "__main__":
    main()
