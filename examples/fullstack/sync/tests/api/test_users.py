from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import crud
from app.core.config import settings
from tests.utils.item import create_random_item
from tests.utils.user import EMAIL_TEST_USER, create_random_user
from tests.utils.utils import random_email, random_lower_string

API = settings.API_V1_STR


def test_get_users_superuser_me(client: TestClient, superuser_token_headers: dict[str, str]) -> None:
    response = client.get(f"{API}/users/me", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["is_superuser"] is True
    assert response.json()["email"] == settings.FIRST_SUPERUSER


def test_get_users_normal_user_me(client: TestClient, normal_user_token_headers: dict[str, str]) -> None:
    response = client.get(f"{API}/users/me", headers=normal_user_token_headers)
    assert response.status_code == 200
    assert response.json()["is_superuser"] is False
    assert response.json()["email"] == EMAIL_TEST_USER


def test_create_user_new_email(
    client: TestClient, superuser_token_headers: dict[str, str], db: Session
) -> None:
    body = {"email": random_email(), "password": random_lower_string()}
    response = client.post(f"{API}/users/", headers=superuser_token_headers, json=body)
    assert response.status_code == 201
    user = crud.user.get_by_email(db, email=body["email"])
    assert user is not None and user.id == response.json()["id"]


def test_create_user_existing_email(
    client: TestClient, superuser_token_headers: dict[str, str], db: Session
) -> None:
    user = create_random_user(db)
    body = {"email": user.email, "password": random_lower_string()}
    response = client.post(f"{API}/users/", headers=superuser_token_headers, json=body)
    assert response.status_code == 400


def test_create_user_by_normal_user(client: TestClient, normal_user_token_headers: dict[str, str]) -> None:
    body = {"email": random_email(), "password": random_lower_string()}
    response = client.post(f"{API}/users/", headers=normal_user_token_headers, json=body)
    assert response.status_code == 403


def test_get_existing_user_as_normal_user(
    client: TestClient, normal_user_token_headers: dict[str, str], db: Session
) -> None:
    other = create_random_user(db)
    response = client.get(f"{API}/users/{other.id}", headers=normal_user_token_headers)
    assert response.status_code == 403


def test_retrieve_users(client: TestClient, superuser_token_headers: dict[str, str], db: Session) -> None:
    created = {create_random_user(db).email, create_random_user(db).email}
    response = client.get(f"{API}/users/", headers=superuser_token_headers)
    assert response.status_code == 200
    assert created <= {user["email"] for user in response.json()}


def test_update_user_me(client: TestClient, normal_user_token_headers: dict[str, str]) -> None:
    response = client.patch(
        f"{API}/users/me", headers=normal_user_token_headers, json={"full_name": "Tester"}
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Tester"


def test_delete_user_with_items(
    client: TestClient, superuser_token_headers: dict[str, str], db: Session
) -> None:
    item = create_random_item(db)
    owner_id, item_id = item.owner_id, item.id
    response = client.delete(f"{API}/users/{owner_id}", headers=superuser_token_headers)
    assert response.status_code == 200
    db.expunge_all()  # forget the rows this session made: ask the database
    assert crud.user.get(db, id=owner_id) is None
    assert crud.item.get(db, id=item_id) is None


def test_delete_user_self_superuser(client: TestClient, superuser_token_headers: dict[str, str]) -> None:
    me = client.get(f"{API}/users/me", headers=superuser_token_headers).json()
    response = client.delete(f"{API}/users/{me['id']}", headers=superuser_token_headers)
    assert response.status_code == 403
