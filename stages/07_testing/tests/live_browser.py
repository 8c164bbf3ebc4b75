"""Plumbing for test_browser.py: the app under uvicorn, and Debian's chromium pointed at it, offline.

Needs chromium at /usr/bin/chromium (apt-get install chromium); Playwright drives it and never downloads a
browser of its own. Without chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes
that a failure. The browser may talk to the app and nothing else: FastAPI's /docs page asks a CDN for
Swagger UI, and gets the same files from the pinned swagger-ui-bundle-v2 package instead.
"""

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Route, async_playwright
from sqlalchemy import make_url, text

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAGE_DIR = Path(__file__).resolve().parents[1]
# uvicorn started with port 0 binds a free one, and prints it: "Uvicorn running on http://127.0.0.1:PORT ..."
RUNNING_ON = "Uvicorn running on "

# The URLs /docs (fastapi.openapi.docs.get_swagger_ui_html) loads from the internet, and the file of the
# swagger-ui-bundle-v2 package each one gets instead (Swagger UI's own icon stands in for FastAPI's).
OFFLINE_COPIES = {
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js": (
        "swagger-ui-bundle.js",
        "text/javascript",
    ),
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css": ("swagger-ui.css", "text/css"),
    "https://fastapi.tiangolo.com/img/favicon.png": ("favicon-32x32.png", "image/png"),
}


@dataclass
class ServedBlog:
    url: str
    user: dict  # what the API answered when the user and the post were created
    post: dict


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Skip the browser tests when there is no browser to drive, or fail them when CI requires one."""
    if not CHROMIUM.is_file():
        message = f"browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; REQUIRE_BROWSER=1 does not allow skipping them")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def offline_copies() -> dict[str, tuple[bytes, str]]:
    """URL -> (content, content type), read once: a file read inside a test would be a blocking call."""
    from swagger_ui_bundle import swagger_ui_path

    return {
        url: ((swagger_ui_path / name).read_bytes(), kind) for url, (name, kind) in OFFLINE_COPIES.items()
    }


@pytest.fixture(scope="module")
async def server_database_url(engine, tmp_path_factory) -> str:
    """A SQLite file of the server's own, or the PostgreSQL test database, emptied."""
    url = os.environ["DATABASE_URL"]
    if make_url(url).get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path_factory.mktemp('server') / 'blog.db'}"
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE users, posts RESTART IDENTITY CASCADE"))
    return url


def wait_for_address(process: subprocess.Popen, log: Path) -> str:
    """The URL uvicorn prints once it serves, after checking that the app answers there."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        started = [line for line in log.read_text().splitlines() if RUNNING_ON in line]
        if started:
            url = started[0].split(RUNNING_ON)[1].split()[0]
            if httpx.get(f"{url}/api/posts", timeout=5).status_code == 200:
                return url
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not start within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live_server(server_database_url, tmp_path_factory) -> Iterator[ServedBlog]:
    """The stage's app under uvicorn, with one user and one post created through the API."""
    log = tmp_path_factory.mktemp("uvicorn") / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", "0"]
    env = {**os.environ, "DATABASE_URL": server_database_url, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=STAGE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = wait_for_address(process, log)
        with httpx.Client(base_url=url) as client:
            user = client.post("/api/users", json={"username": "ada", "email": "ada@example.com"})
            body = {
                "title": "Notes on the engine",
                "content": "It weaves patterns.",
                "user_id": user.json()["id"],
            }
            post = client.post("/api/posts", json=body)
            assert (user.status_code, post.status_code) == (201, 201), (user.text, post.text)
        yield ServedBlog(url, user.json(), post.json())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """What the page logged as an error, as "message (url)", plus uncaught JavaScript exceptions."""
    return []


@pytest.fixture
async def page(
    browser: Browser, live_server: ServedBlog, console_errors: list[str], offline_copies
) -> AsyncIterator[Page]:
    """A new browser tab on the live server; it can reach the live server and the offline copies only."""
    context = await browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)

    async def only_the_live_server(route: Route) -> None:
        if route.request.url.startswith(live_server.url + "/"):
            await route.continue_()
        else:
            console_errors.append(f"request outside the app: {route.request.url}")
            await route.abort()

    async def serve_offline_copy(route: Route) -> None:
        body, content_type = offline_copies[route.request.url]
        await route.fulfill(status=200, body=body, content_type=content_type)

    await context.route("**/*", only_the_live_server)
    for url in OFFLINE_COPIES:  # registered last, so these win over the catch-all above
        await context.route(url, serve_offline_copy)

    page = await context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    yield page
    await context.close()
