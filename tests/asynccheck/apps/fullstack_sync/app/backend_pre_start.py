from sqlalchemy import text

from app.db.session import SessionLocal


def init() -> None:
    db = SessionLocal()
    db.execute(text("SELECT 1"))


if __name__ == "__main__":
    init()
