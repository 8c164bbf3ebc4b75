"""Create the first superuser, after `alembic upgrade head`: `python -m app.initial_data`."""

import logging

from app.db.init_db import init_db
from app.db.session import SessionLocal

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)


def main() -> None:
    logger.info("Creating initial data")
    with SessionLocal() as db:
        init_db(db)
    logger.info("Initial data created")


if __name__ == "__main__":
    main()
