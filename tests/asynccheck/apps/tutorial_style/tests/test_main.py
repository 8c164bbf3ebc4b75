from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from sql_app.database import Base
from sql_app.main import app, get_db

SQLALCHEMY_DATABASE_URL = "sqlite:///./test.db"

engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False})
TestingSessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)

Base.metadata.create_all(bind=engine)


def override_get_db():
    try:
        db = TestingSessionLocal()
        yield db
    finally:
        db.close()


app.dependency_overrides[get_db] = override_get_db

client = TestClient(app)


def test_create_list():
    response = client.post("/lists/", json={"title": "groceries"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["title"] == "groceries"
    assert data["items"] == []

    response = client.get(f"/lists/{data['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "groceries"


def test_add_item():
    created = client.post("/lists/", json={"title": "chores"}).json()
    response = client.post(f"/lists/{created['id']}/items/", json={"text": "water the plants"})
    assert response.status_code == 200, response.text
    assert response.json()["done"] is False
