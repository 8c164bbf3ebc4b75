"""The stage in a real browser: tests/browser/test_blog.py drives Debian's chromium against the stage under
uvicorn, with one user and one post created through the API.

Playwright needs greenlet, which a stage before the async drivers must not have (test_traits.py checks), so
the browser side runs in a virtualenv of its own: BROWSER_PYTHON, which `nox -s stage` builds from
tests/browser/requirements.txt. Without it, or without chromium, this test is skipped and says why, unless
REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

import os
import subprocess
from pathlib import Path

import httpx
import pytest

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser_python() -> str:
    python = os.environ.get("BROWSER_PYTHON", "")
    missing = [
        what
        for what, present in [
            (
                "BROWSER_PYTHON (a virtualenv with tests/browser/requirements.txt; nox -s stage sets it)",
                python,
            ),
            (f"chromium at {CHROMIUM} (apt-get install chromium)", CHROMIUM.is_file()),
        ]
        if not present
    ]
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; REQUIRE_BROWSER=1 does not allow skipping it")
        pytest.skip(message)
    return python


def test_pages_in_a_real_browser(browser_python, live):  # no server started for a skip
    with httpx.Client(base_url=live.url) as client:
        user = client.post("/api/users", json={"username": "ada", "email": "ada@example.com"})
        body = {
            "title": "Notes on the engine",
            "content": "It weaves patterns.",
            "user_id": user.json()["id"],
        }
        post = client.post("/api/posts", json=body)
    assert (user.status_code, post.status_code) == (201, 201), (user.text, post.text)
    env = {
        **os.environ,
        "BLOG_URL": live.url,
        "BLOG_USER_ID": str(user.json()["id"]),
        "BLOG_POST_ID": str(post.json()["id"]),
        "REQUIRE_BROWSER": "1",  # chromium is there (checked above): a skip inside would be a silent pass
    }
    command = [browser_python, "-m", "pytest", "test_blog.py", "-p", "no:cacheprovider", "-q", "-rs"]
    result = subprocess.run(command, cwd=BROWSER_TESTS, env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stdout + result.stderr + live.log()[-3000:]
    assert "5 passed" in result.stdout, result.stdout
