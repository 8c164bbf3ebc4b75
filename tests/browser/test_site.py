"""The guide's built site in a real browser, offline: it opens, its navigation reaches every page, search
finds "MissingGreenlet" and lands on the page that explains it, a code tab switches, and no page logs an
error or links to a page or anchor of the site that is not there.

`nox -s site_browser` builds the site and sets SITE_DIR. The site is served from that folder by a server in
this process, and the browser may reach nothing else: a font, script or style from the internet would be a
refused request, which counts as an error.
"""

import functools
import os
import posixpath
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from browsing import open_page

if "SITE_DIR" not in os.environ:
    pytest.skip("run by `nox -s site_browser`, which builds the site", allow_module_level=True)

SITE = Path(os.environ["SITE_DIR"])
DOCS = Path(__file__).resolve().parents[2] / "docs"
# Every page of the guide, as the site names it: MIGRATION.md is the home page, docs/x/y.md is x/y.html.
PAGES = {"index.html"} | {
    path.relative_to(DOCS).with_suffix(".html").as_posix() for path in DOCS.rglob("*.md")
}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser: Browser, site_url: str, console_errors: list[str]) -> Iterator[Page]:
    page = open_page(browser, site_url, console_errors, {})
    yield page
    page.context.close()


def test_the_site_opens_offline(page: Page, site_url, console_errors):
    response = page.goto("index.html")

    assert response is not None and response.status == 200
    # Each heading ends in its permalink, "¶".
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Moving a FastAPI + SQLAlchemy app from sync to async¶"
    )
    expect(page.locator(".md-header__title")).to_contain_text("from sync to async")
    # The first async change is one click from the home page.
    page.get_by_role("link", name="Stage 02: an async database layer").first.click()
    expect(page).to_have_url(f"{site_url}steps/02-async-database.html")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Stage 02: an async database layer next to the sync one¶"
    )
    assert console_errors == []


def nav_pages(page: Page, site_url: str) -> set[str]:
    """The site's pages the navigation of the page shown links to, as paths from the site's root."""
    hrefs = page.locator("nav.md-nav--primary a.md-nav__link[href]").evaluate_all(
        "links => links.map(link => link.href)"
    )
    return {urlsplit(href).path.lstrip("/") or "index.html" for href in hrefs if href.startswith(site_url)}


def test_the_navigation_reaches_every_page_and_no_page_logs_an_error(page: Page, site_url, console_errors):
    page.goto("index.html")
    reached = nav_pages(page, site_url)

    assert reached == PAGES
    for path in sorted(reached):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("article h1")).to_have_count(1)
        assert nav_pages(page, site_url) == PAGES, f"{path}: its navigation does not reach every page"
    assert console_errors == []


class Links(HTMLParser):
    """The ids and the link targets of a page of the site."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))


def parsed(path: str) -> Links:
    links = Links()
    links.feed((SITE / path).read_text(encoding="utf-8"))
    return links


def test_no_page_links_to_a_page_or_anchor_that_is_not_there():
    broken = []
    for path in sorted(PAGES):
        for href in parsed(path).hrefs:
            target = urlsplit(urljoin(f"http://site/{path}", href))
            if target.netloc != "site":
                continue
            file = posixpath.normpath(unquote(target.path).lstrip("/")) or "index.html"
            if file.endswith("/"):
                file += "index.html"
            if not (SITE / file).is_file():
                broken.append(f"{path}: {href}")
            elif target.fragment and file.endswith(".html") and target.fragment not in parsed(file).ids:
                broken.append(f"{path}: {href} (no such anchor)")
    assert broken == []


def test_search_finds_missinggreenlet_and_lands_on_the_page_that_explains_it(page: Page, console_errors):
    page.goto("index.html")

    search = page.locator("input.md-search__input")
    search.click()
    # Typed key by key, as a reader would: the search runs in a worker, which may still be loading the index.
    search.press_sequentially("MissingGreenlet", delay=20)
    first = page.locator(".md-search-result__item a").first
    expect(first).to_be_visible(timeout=20_000)
    first.click()

    # Troubleshooting: the message as printed, what it means and the two fixes, each linked.
    expect(page).to_have_url(re.compile(r"/reference/troubleshooting\.html"))
    article = page.locator("article")
    expect(article).to_contain_text("(sqlalchemy.exc.MissingGreenlet) greenlet_spawn has not been called")
    expect(article).to_contain_text("Some code outside an await needed the database")
    assert console_errors == []


def test_a_code_tab_switches(page: Page, console_errors):
    page.goto("steps/00-sync-baseline.html")
    sqlite = page.locator(".tabbed-block").filter(has_text="stage(00-sqlite)")
    postgresql = page.locator(".tabbed-block").filter(has_text="stage(00-postgresql)")
    expect(sqlite).to_be_visible()
    expect(postgresql).to_be_hidden()

    page.locator(".tabbed-labels label").filter(has_text="PostgreSQL").first.click()

    expect(postgresql).to_be_visible()
    expect(sqlite).to_be_hidden()
    assert console_errors == []
