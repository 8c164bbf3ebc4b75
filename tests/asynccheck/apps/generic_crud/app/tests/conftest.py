import pytest
from blockbuster import blockbuster_ctx
from httpx import ASGITransport, AsyncClient

from app.main import app


@pytest.fixture(autouse=True)
def blockbuster():
    with blockbuster_ctx() as detector:
        yield detector


@pytest.fixture
async def client():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
