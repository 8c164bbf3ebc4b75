"""What the API does, the same in every version: users, login, items owned by users, emails, tasks.

Every test makes its own users with random emails, so tests never depend on each other's rows; the
client and the superuser's token are module-scoped, as in the project generator's suites.
"""

import email
import email.policy
import re
import uuid

import pytest
from conftest import API, Mailbox, login
from fastapi.testclient import TestClient

from app.core.config import settings
from app.worker import queue

PASSWORD = "correct horse battery"


@pytest.fixture
def new_user(client: TestClient, superuser_headers: dict[str, str]):
    """Create a user through the API: returns (its JSON, its auth headers)."""

    def create(**fields) -> tuple[dict, dict[str, str]]:
        body = {"email": f"{uuid.uuid4().hex}@example.com", "password": PASSWORD, **fields}
        response = client.post(f"{API}/users/", headers=superuser_headers, json=body)
        assert response.status_code == 201, response.text
        return response.json(), login(client, body["email"], body["password"])

    return create


def test_login_wrong_password(client: TestClient) -> None:
    body = {"username": settings.FIRST_SUPERUSER, "password": "not the password"}
    response = client.post(f"{API}/login/access-token", data=body)
    assert (response.status_code, response.json()) == (400, {"detail": "Incorrect email or password"})


def test_login_unknown_user(client: TestClient) -> None:
    response = client.post(f"{API}/login/access-token", data={"username": "no@example.com", "password": "x"})
    assert response.status_code == 400


def test_test_token_is_the_user(client: TestClient, new_user) -> None:
    user, headers = new_user(full_name="Ada")
    response = client.post(f"{API}/login/test-token", headers=headers)
    assert response.status_code == 200
    assert response.json() == user
    assert user["full_name"] == "Ada" and "password" not in user and "hashed_password" not in user


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
def test_bad_token_is_401(client: TestClient, token: str) -> None:
    response = client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_no_token_is_401(client: TestClient) -> None:
    assert client.get(f"{API}/items/").status_code == 401


def test_inactive_user_cannot_log_in(client: TestClient, superuser_headers, new_user) -> None:
    user, _ = new_user()
    response = client.patch(f"{API}/users/{user['id']}", headers=superuser_headers, json={"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    body = {"username": user["email"], "password": PASSWORD}
    response = client.post(f"{API}/login/access-token", data=body)
    assert (response.status_code, response.json()) == (400, {"detail": "Inactive user"})


def test_create_user_duplicate_email(client: TestClient, superuser_headers, new_user) -> None:
    user, _ = new_user()
    body = {"email": user["email"], "password": PASSWORD}
    assert client.post(f"{API}/users/", headers=superuser_headers, json=body).status_code == 400


def test_create_user_needs_superuser(client: TestClient, new_user) -> None:
    _, headers = new_user()
    body = {"email": f"{uuid.uuid4().hex}@example.com", "password": PASSWORD}
    response = client.post(f"{API}/users/", headers=headers, json=body)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "The user doesn't have enough privileges"},
    )


@pytest.mark.parametrize(
    "body", [{"email": "not-an-email", "password": PASSWORD}, {"email": "a@example.com"}]
)
def test_create_user_bad_input_is_422(client: TestClient, superuser_headers, body) -> None:
    assert client.post(f"{API}/users/", headers=superuser_headers, json=body).status_code == 422


def test_update_me_and_email_conflict(client: TestClient, new_user) -> None:
    other, _ = new_user()
    me, headers = new_user()
    response = client.patch(f"{API}/users/me", headers=headers, json={"full_name": "New Name"})
    assert response.status_code == 200 and response.json()["full_name"] == "New Name"
    response = client.patch(f"{API}/users/me", headers=headers, json={"email": other["email"]})
    assert response.status_code == 409
    assert client.get(f"{API}/users/me", headers=headers).json()["email"] == me["email"]


def test_users_see_themselves_only(client: TestClient, superuser_headers, new_user) -> None:
    alice, alice_headers = new_user()
    bob, _ = new_user()
    assert client.get(f"{API}/users/{alice['id']}", headers=alice_headers).json() == alice
    assert client.get(f"{API}/users/{bob['id']}", headers=alice_headers).status_code == 403
    assert client.get(f"{API}/users/{bob['id']}", headers=superuser_headers).json() == bob
    assert client.get(f"{API}/users/999999", headers=superuser_headers).status_code == 404
    listed = client.get(f"{API}/users/", headers=superuser_headers, params={"limit": 1000}).json()
    assert {alice["id"], bob["id"]} <= {user["id"] for user in listed}
    assert client.get(f"{API}/users/", headers=alice_headers).status_code == 403


def test_items_crud_and_ownership(client: TestClient, superuser_headers, new_user) -> None:
    owner, headers = new_user()
    _, stranger = new_user()
    response = client.post(f"{API}/items/", headers=headers, json={"title": "Pen", "description": "Blue"})
    assert response.status_code == 201
    item = response.json()
    assert item["owner"] == {"id": owner["id"], "email": owner["email"]}
    assert item["owner_id"] == owner["id"]
    assert client.get(f"{API}/items/{item['id']}", headers=headers).json() == item
    assert client.get(f"{API}/items/{item['id']}", headers=stranger).status_code == 403
    assert client.get(f"{API}/items/{item['id']}", headers=superuser_headers).json() == item
    assert client.get(f"{API}/items/", headers=stranger).json() == []
    updated = client.put(f"{API}/items/{item['id']}", headers=headers, json={"title": "Pencil"}).json()
    assert updated == {**item, "title": "Pencil"}
    assert client.put(f"{API}/items/{item['id']}", headers=stranger, json={"title": "x"}).status_code == 403
    assert client.delete(f"{API}/items/{item['id']}", headers=stranger).status_code == 403
    assert client.delete(f"{API}/items/{item['id']}", headers=headers).status_code == 200
    assert client.get(f"{API}/items/{item['id']}", headers=headers).status_code == 404


def test_item_lists_in_id_order_with_paging(client: TestClient, superuser_headers, new_user) -> None:
    _, headers = new_user()
    made = [client.post(f"{API}/items/", headers=headers, json={"title": f"t{n}"}).json() for n in range(3)]
    assert client.get(f"{API}/items/", headers=headers).json() == made
    assert client.get(f"{API}/items/", headers=headers, params={"skip": 1, "limit": 1}).json() == made[1:2]
    everything = client.get(f"{API}/items/", headers=superuser_headers, params={"limit": 1000}).json()
    assert [item for item in everything if item["owner_id"] == made[0]["owner_id"]] == made


@pytest.mark.parametrize("body", [{"title": ""}, {"title": "x" * 256}, {}])
def test_item_bad_input_is_422(client: TestClient, new_user, body) -> None:
    _, headers = new_user()
    assert client.post(f"{API}/items/", headers=headers, json=body).status_code == 422


def test_delete_user_deletes_their_items(client: TestClient, superuser_headers, new_user) -> None:
    user, headers = new_user()
    item = client.post(f"{API}/items/", headers=headers, json={"title": "Mine"}).json()
    assert client.delete(f"{API}/users/{user['id']}", headers=superuser_headers).status_code == 200
    assert client.get(f"{API}/items/{item['id']}", headers=superuser_headers).status_code == 404
    assert client.get(f"{API}/users/{user['id']}", headers=superuser_headers).status_code == 404
    assert client.delete(f"{API}/users/{user['id']}", headers=superuser_headers).status_code == 404


def test_superuser_cannot_delete_self(client: TestClient, superuser_headers) -> None:
    me = client.get(f"{API}/users/me", headers=superuser_headers).json()
    assert client.delete(f"{API}/users/{me['id']}", headers=superuser_headers).status_code == 403


def test_password_recovery_by_email(client: TestClient, new_user, mailbox: Mailbox) -> None:
    user, _ = new_user()
    response = client.post(f"{API}/password-recovery/{user['email']}")
    assert response.status_code == 200
    [(recipients, message)] = mailbox.messages
    assert recipients == [user["email"]]
    parsed = email.message_from_string(message, policy=email.policy.default)
    token = re.search(r"reset-password\?token=([\w.-]+)", parsed.get_content())
    assert token is not None, message
    body = {"token": token[1], "new_password": "a brand new password"}
    response = client.post(f"{API}/reset-password/", json=body)
    assert response.status_code == 200
    assert login(client, user["email"], "a brand new password")
    response = client.post(
        f"{API}/login/access-token", data={"username": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 400


def test_password_recovery_unknown_email_sends_nothing(client: TestClient, mailbox: Mailbox) -> None:
    response = client.post(f"{API}/password-recovery/nobody-{uuid.uuid4().hex}@example.com")
    assert response.status_code == 200
    assert mailbox.messages == []


def test_reset_password_rejects_other_tokens(client: TestClient, new_user) -> None:
    _, headers = new_user()
    access_token = headers["Authorization"].removeprefix("Bearer ")
    for token in ["invalid", access_token]:
        response = client.post(f"{API}/reset-password/", json={"token": token, "new_password": "whatever12"})
        assert (response.status_code, response.json()) == (400, {"detail": "Invalid token"})


def test_test_email(client: TestClient, superuser_headers, mailbox: Mailbox) -> None:
    response = client.post(
        f"{API}/utils/test-email/", headers=superuser_headers, params={"email_to": "t@example.com"}
    )
    assert response.status_code == 201
    [(recipients, message)] = mailbox.messages
    assert recipients == ["t@example.com"] and "Test email" in message


def test_background_task_is_queued(client: TestClient, superuser_headers) -> None:
    queue.run_pending()
    response = client.post(f"{API}/utils/test-celery/", headers=superuser_headers, json={"message": "hello"})
    assert response.status_code == 201
    assert queue.run_pending() == ["test task return hello"]
