import pytest

pytestmark = pytest.mark.anyio


async def test_unknown_api_path_answers_json(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
