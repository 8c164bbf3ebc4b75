from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import crud
from app.core.config import settings
from app.core.security import create_password_reset_token
from tests.utils.user import create_random_user, user_authentication_headers
from tests.utils.utils import random_lower_string

API = settings.API_V1_STR


def test_get_access_token(client: TestClient) -> None:
    login = {"username": settings.FIRST_SUPERUSER, "password": settings.FIRST_SUPERUSER_PASSWORD}
    response = client.post(f"{API}/login/access-token", data=login)
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_get_access_token_incorrect_password(client: TestClient) -> None:
    login = {"username": settings.FIRST_SUPERUSER, "password": "incorrect"}
    response = client.post(f"{API}/login/access-token", data=login)
    assert response.status_code == 400


def test_use_access_token(client: TestClient, superuser_token_headers: dict[str, str]) -> None:
    response = client.post(f"{API}/login/test-token", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["email"] == settings.FIRST_SUPERUSER


def test_recovery_password_sends_email(client: TestClient, db: Session, mailbox) -> None:
    user = create_random_user(db)
    response = client.post(f"{API}/password-recovery/{user.email}")
    assert response.status_code == 200
    [(recipients, content)] = mailbox.messages
    assert recipients == [user.email]
    assert "/reset-password?token=" in content


def test_recovery_password_unknown_email_sends_nothing(client: TestClient, mailbox) -> None:
    response = client.post(f"{API}/password-recovery/nobody@example.com")
    assert response.status_code == 200
    assert mailbox.messages == []


def test_reset_password(client: TestClient, db: Session) -> None:
    user = create_random_user(db)
    new_password = random_lower_string()
    body = {"token": create_password_reset_token(email=user.email), "new_password": new_password}
    response = client.post(f"{API}/reset-password/", json=body)
    assert response.status_code == 200
    assert user_authentication_headers(client=client, email=user.email, password=new_password)
    db.expunge_all()  # forget the user this session made: ask the database
    assert crud.user.authenticate(db, email=user.email, password=new_password) is not None


def test_reset_password_invalid_token(client: TestClient) -> None:
    response = client.post(f"{API}/reset-password/", json={"token": "invalid", "new_password": "x" * 10})
    assert response.status_code == 400
