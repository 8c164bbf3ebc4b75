"""Create the first user (run once after `alembic upgrade head`). Still the sync version."""

from app import crud
from app.db.session import SessionLocal


def main() -> None:
    db = SessionLocal()
    crud.user.create(db, obj_in=crud.UserCreate(email="admin@example.com"))


if __name__ == "__main__":
    main()
