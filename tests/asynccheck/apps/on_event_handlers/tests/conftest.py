import httpx
import pytest
from blockbuster import blockbuster_ctx

from main import app


@pytest.fixture(autouse=True)
def blockbuster():
    with blockbuster_ctx() as detector:
        yield detector


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
