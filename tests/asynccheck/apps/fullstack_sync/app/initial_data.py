from app import crud
from app.core.security import get_password_hash
from app.db.session import SessionLocal


def main() -> None:
    db = SessionLocal()
    if crud.user.get(db, id=1) is None:
        db.add(crud.user.model(email="admin@example.com", hashed_password=get_password_hash("changethis")))
        db.commit()


if __name__ == "__main__":
    main()
