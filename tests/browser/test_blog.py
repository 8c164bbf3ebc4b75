"""A stage of the blog in a real browser: its pages render, with their styles and images, /docs runs
Swagger UI, and nothing logs an error.

tests/stage/test_browser.py runs this module against each stage under uvicorn, with one user ("ada") and one
post ("Notes on the engine") created through the API: BLOG_URL, BLOG_USER_ID and BLOG_POST_ID say where.
"""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from browsing import open_page

if "BLOG_URL" not in os.environ:
    pytest.skip("run by tests/stage/test_browser.py, against a stage it serves", allow_module_level=True)

URL = os.environ["BLOG_URL"]
USER_ID, POST_ID = os.environ["BLOG_USER_ID"], os.environ["BLOG_POST_ID"]


@pytest.fixture
def page(browser: Browser, console_errors: list[str], offline_copies) -> Iterator[Page]:
    page = open_page(browser, f"{URL}/", console_errors, offline_copies)
    yield page
    page.context.close()


def test_home_page(page: Page, console_errors):
    response = page.goto("/")

    # goto() gives None only for about:blank or a change of #fragment: a page load has a response.
    assert response is not None and response.status == 200
    expect(page).to_have_title("Home · FastAPI Blog")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    expect(page.get_by_role("link", name="Notes on the engine")).to_be_visible()
    expect(page.get_by_role("link", name="ada", exact=True)).to_be_visible()
    assert page.locator("article img.avatar").evaluate("image => image.complete && image.naturalWidth > 0")
    # The stylesheet really applied: the header bar has the accent colour from style.css.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 114, 133)")
    assert console_errors == []


def test_post_page(page: Page, console_errors):
    response = page.goto(f"/posts/{POST_ID}")

    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes on the engine")
    expect(page.locator(".content")).to_have_text("It weaves patterns.")
    expect(page.get_by_role("link", name="More from ada")).to_be_visible()
    assert console_errors == []


def test_user_page(page: Page, console_errors):
    response = page.goto(f"/users/{USER_ID}/posts")

    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Posts by ada")
    expect(page.locator("nav.pager")).to_have_count(0)  # one post: one page, no links to others
    expect(page.get_by_role("link", name="Notes on the engine")).to_be_visible()
    assert console_errors == []


def test_error_page(page: Page, console_errors):
    url = f"{URL}/posts/999"

    response = page.goto(url)

    assert response is not None and response.status == 404
    expect(page).to_have_title("Error · FastAPI Blog")
    expect(page.get_by_role("heading", level=1)).to_have_text("404")
    expect(page.get_by_text("Post not found")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    # Chromium logs a 404 status of any resource, the page's own document included. That 404 is what
    # this test asks for, so this one message about this one URL is expected; any other error still fails.
    document_404 = f"Failed to load resource: the server responded with a status of 404 (Not Found) ({url})"
    assert [error for error in console_errors if error != document_404] == []


def test_swagger_ui(page: Page, console_errors):
    openapi = page.request.get("/openapi.json").json()
    operations = sum(len(methods) for methods in openapi["paths"].values())

    response = page.goto("/docs")

    assert response is not None and response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Blog")
    expect(page.locator(".swagger-ui .opblock")).to_have_count(operations)
    create_post = page.locator('.opblock-post .opblock-summary-path[data-path="/api/posts"]')
    expect(create_post).to_be_visible()
    assert console_errors == []
