import pytest
from fastapi.testclient import TestClient

from app.db.session import SessionLocal
from app.main import app


@pytest.fixture(scope="session")
def db():
    yield SessionLocal()


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as c:
        yield c
