"""The pre-start check against a mocked engine: no database needed (the project generator's style)."""

from unittest.mock import MagicMock

from app.backend_pre_start import init


def test_init_runs_one_query() -> None:
    engine = MagicMock()
    connection = engine.connect.return_value.__enter__.return_value
    init(engine)
    connection.execute.assert_called_once()
