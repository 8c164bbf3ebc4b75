"""The app in a real browser: uvicorn serves it, Chromium renders it, and nothing logs an error.

The plumbing (uvicorn on a free port, Chromium kept offline) is in live_browser.py; these tests see a
`page` on the running app, the `live_server` with the user and the post it holds, and the `console_errors`.
"""

from playwright.async_api import Page, expect

pytest_plugins = ["live_browser"]


async def test_home_page(page: Page, live_server, console_errors):
    response = await page.goto("/")

    # goto() gives None only for about:blank or a change of #fragment: a page load has a response.
    assert response is not None and response.status == 200
    await expect(page).to_have_title("Home · FastAPI Blog")
    await expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    await expect(page.get_by_role("link", name="Notes on the engine")).to_be_visible()
    await expect(page.get_by_role("link", name="ada", exact=True)).to_be_visible()
    avatar = page.locator("article img.avatar")
    assert await avatar.evaluate("image => image.complete && image.naturalWidth > 0")
    # The stylesheet really applied: the header bar has the accent colour from style.css.
    await expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 114, 133)")
    assert console_errors == []


async def test_post_page(page: Page, live_server, console_errors):
    response = await page.goto(f"/posts/{live_server.post['id']}")

    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notes on the engine")
    await expect(page.locator(".content")).to_have_text("It weaves patterns.")
    await expect(page.get_by_role("link", name="More from ada")).to_be_visible()
    assert console_errors == []


async def test_user_page(page: Page, live_server, console_errors):
    response = await page.goto(f"/users/{live_server.user['id']}/posts")

    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", level=1)).to_have_text("Posts by ada")
    await expect(page.locator("nav.pager")).to_have_count(0)  # one post: one page, no links to others
    await expect(page.get_by_role("link", name="Notes on the engine")).to_be_visible()
    assert console_errors == []


async def test_error_page(page: Page, live_server, console_errors):
    url = f"{live_server.url}/posts/999"

    response = await page.goto(url)

    assert response is not None and response.status == 404
    await expect(page).to_have_title("Error · FastAPI Blog")
    await expect(page.get_by_role("heading", level=1)).to_have_text("404")
    await expect(page.get_by_text("Post not found")).to_be_visible()
    await expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    # Chromium logs a 404 status of any resource, the page's own document included. That 404 is what
    # this test asks for, so this one message about this one URL is expected; any other error still fails.
    document_404 = f"Failed to load resource: the server responded with a status of 404 (Not Found) ({url})"
    assert [error for error in console_errors if error != document_404] == []


async def test_swagger_ui(page: Page, live_server, console_errors):
    openapi = await (await page.request.get("/openapi.json")).json()
    operations = sum(len(methods) for methods in openapi["paths"].values())

    response = await page.goto("/docs")

    assert response is not None and response.status == 200
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Blog")
    await expect(page.locator(".swagger-ui .opblock")).to_have_count(operations)
    create_post = page.locator('.opblock-post .opblock-summary-path[data-path="/api/posts"]')
    await expect(create_post).to_be_visible()
    assert console_errors == []
