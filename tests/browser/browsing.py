"""Debian's chromium, driven by Playwright, that may reach one site and nothing else.

Needs chromium at /usr/bin/chromium (apt-get install chromium); Playwright never downloads a browser of its
own. Without chromium these tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes that a failure. Every
request outside the site under test is refused and counted as an error, except the files OFFLINE_COPIES
stands in for: FastAPI's /docs page asks a CDN for Swagger UI, and gets the pinned swagger-ui-bundle-v2
package's copy instead.
"""

from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

# The URLs FastAPI's /docs (fastapi.openapi.docs.get_swagger_ui_html) loads from the internet, and the file of
# the swagger-ui-bundle-v2 package each one gets instead (Swagger UI's own icon stands in for FastAPI's).
OFFLINE_COPIES = {
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js": (
        "swagger-ui-bundle.js",
        "text/javascript",
    ),
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css": ("swagger-ui.css", "text/css"),
    "https://fastapi.tiangolo.com/img/favicon.png": ("favicon-32x32.png", "image/png"),
}


def open_page(
    browser: Browser, base_url: str, errors: list[str], copies: dict[str, tuple[bytes, str]]
) -> Page:
    """A new tab on `base_url` (ending in "/") that can reach that site and the offline copies only."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(10_000)

    def only_the_site(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            errors.append(f"request outside the site: {route.request.url}")
            route.abort()

    def serve_offline_copy(route: Route) -> None:
        body, content_type = copies[route.request.url]
        route.fulfill(status=200, body=body, content_type=content_type)

    context.route("**/*", only_the_site)
    for url in copies:  # registered last, so these win over the catch-all above
        context.route(url, serve_offline_copy)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return page
