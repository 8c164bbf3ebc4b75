"""The fixtures of the browser tests: the browser, the offline copies, the console errors (browsing.py)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from browsing import CHROMIUM, CHROMIUM_ARGS, OFFLINE_COPIES


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Skip the browser tests when there is no browser to drive, or fail them when CI requires one."""
    if not CHROMIUM.is_file():
        message = f"browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; REQUIRE_BROWSER=1 does not allow skipping them")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(chromium: Path, playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def offline_copies() -> dict[str, tuple[bytes, str]]:
    """URL -> (content, content type) of the files that stand in for the internet's."""
    from swagger_ui_bundle import swagger_ui_path

    return {
        url: ((swagger_ui_path / name).read_bytes(), kind) for url, (name, kind) in OFFLINE_COPIES.items()
    }


@pytest.fixture
def console_errors() -> list[str]:
    """What the page logged as an error, as "message (url)", uncaught exceptions, and refused requests."""
    return []
