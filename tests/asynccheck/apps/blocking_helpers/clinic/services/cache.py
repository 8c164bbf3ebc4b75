from pathlib import Path

import redis
import requests

cache = redis.Redis(host="localhost")
TEMPLATES = Path(__file__).parent / "templates"


def load_template(name: str) -> str:
    with open(TEMPLATES / name) as template:
        return template.read()


def fetch_holidays() -> list[str]:
    return requests.get("https://holidays.example/api", timeout=5).json()
