import blockbuster
import pytest
from httpx import ASGITransport, AsyncClient

from library.main import app


@pytest.fixture(autouse=True)
def no_blocking():
    with blockbuster.blockbuster_ctx():
        yield


@pytest.fixture
async def client():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
