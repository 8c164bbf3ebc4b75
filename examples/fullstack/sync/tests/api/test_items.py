from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import crud
from app.core.config import settings
from tests.utils.item import create_random_item

API = settings.API_V1_STR


def test_create_item(client: TestClient, superuser_token_headers: dict[str, str]) -> None:
    body = {"title": "Foo", "description": "Fighters"}
    response = client.post(f"{API}/items/", headers=superuser_token_headers, json=body)
    assert response.status_code == 201
    content = response.json()
    assert (content["title"], content["description"]) == ("Foo", "Fighters")
    assert content["owner"]["email"] == settings.FIRST_SUPERUSER


def test_read_item(client: TestClient, superuser_token_headers: dict[str, str], db: Session) -> None:
    item = create_random_item(db)
    response = client.get(f"{API}/items/{item.id}", headers=superuser_token_headers)
    assert response.status_code == 200
    assert response.json()["title"] == item.title
    assert response.json()["owner_id"] == item.owner_id


def test_read_item_not_found(client: TestClient, superuser_token_headers: dict[str, str]) -> None:
    response = client.get(f"{API}/items/999999", headers=superuser_token_headers)
    assert response.status_code == 404


def test_read_item_not_enough_permissions(
    client: TestClient, normal_user_token_headers: dict[str, str], db: Session
) -> None:
    item = create_random_item(db)
    response = client.get(f"{API}/items/{item.id}", headers=normal_user_token_headers)
    assert response.status_code == 403


def test_read_items_own_only(
    client: TestClient, normal_user_token_headers: dict[str, str], db: Session
) -> None:
    create_random_item(db)
    mine = client.post(f"{API}/items/", headers=normal_user_token_headers, json={"title": "mine"}).json()
    response = client.get(f"{API}/items/", headers=normal_user_token_headers)
    assert response.status_code == 200
    assert mine in response.json()
    assert {item["owner_id"] for item in response.json()} == {mine["owner_id"]}


def test_update_item(client: TestClient, superuser_token_headers: dict[str, str], db: Session) -> None:
    item = create_random_item(db)
    body = {"title": "Updated title"}
    response = client.put(f"{API}/items/{item.id}", headers=superuser_token_headers, json=body)
    assert response.status_code == 200
    assert response.json()["title"] == "Updated title"
    assert response.json()["description"] == item.description


def test_delete_item(client: TestClient, superuser_token_headers: dict[str, str], db: Session) -> None:
    item_id = create_random_item(db).id
    response = client.delete(f"{API}/items/{item_id}", headers=superuser_token_headers)
    assert response.status_code == 200
    db.expunge_all()  # forget the item this session made: ask the database
    assert crud.item.get(db, id=item_id) is None
