import httpx

from app.core.config import settings
from app.worker import queue

API = settings.API_V1_STR


async def test_test_email(
    client: httpx.AsyncClient, superuser_token_headers: dict[str, str], mailbox
) -> None:
    response = await client.post(
        f"{API}/utils/test-email/?email_to=a@example.com", headers=superuser_token_headers
    )
    assert response.status_code == 201
    [(recipients, content)] = mailbox.messages
    assert recipients == ["a@example.com"]
    assert "Test email" in content


async def test_test_celery(client: httpx.AsyncClient, superuser_token_headers: dict[str, str]) -> None:
    queue.sent.clear()
    response = await client.post(
        f"{API}/utils/test-celery/", headers=superuser_token_headers, json={"message": "hi"}
    )
    assert response.status_code == 201
    assert queue.run_pending() == ["test task return hi"]
