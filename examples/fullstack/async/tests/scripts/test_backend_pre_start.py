"""The pre-start check against a mocked engine: no database needed (the project generator's style)."""

from unittest.mock import AsyncMock, MagicMock

from app.backend_pre_start import init


async def test_init_runs_one_query() -> None:
    engine = MagicMock()
    # `async with engine.connect()` enters through __aenter__, which MagicMock supports; what the code
    # awaits must be an AsyncMock, so that the test can check it was awaited, not only called.
    connection = engine.connect.return_value.__aenter__.return_value
    connection.execute = AsyncMock()
    await init(engine)
    connection.execute.assert_awaited_once()
