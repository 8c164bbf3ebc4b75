import blockbuster  # noqa: F401  (the app is not async yet; the detector waits for stage 05)
from fastapi.testclient import TestClient

from notes.main import app

client = TestClient(app)
