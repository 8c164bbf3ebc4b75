"""Stage 07: a test suite that runs the app on the event loop and fails when anything blocks it.

TestClient keeps working through stage 06; stage 07 replaces it with httpx.AsyncClient over ASGITransport.
"""

from collections.abc import Iterator

from asynccheck.files import Found
from asynccheck.index import Index
from asynccheck.report import Finding
from asynccheck.requirements import Requirement

NO_TESTS = (
    "no test suite under {where} (no test_*.py, *_test.py or conftest.py): stage 07 adds tests that run "
    "on the app's event loop"
)
ONLY_FILES = (
    "only single files were given, so the checker cannot tell whether the app has a test suite: "
    "run it on the project's folder"
)
TESTCLIENT_ONLY = (
    "the tests drive the app only through TestClient, which runs it on an event loop of its own in another "
    "thread; it keeps working through stage 06, then use httpx.AsyncClient over ASGITransport"
)
NO_DETECTOR = (
    "no blocking-call detector seen in the tests (blockbuster, pyleak, asyncio's debug mode): without one "
    "a sync call left in an async route passes every test; import blockbuster in conftest.py"
)
DETECTOR_PACKAGES = {"blockbuster", "pytest-blockbuster", "pyleak", "aiodebug"}


def check(index: Index, found: Found, requirements: list[Requirement]) -> Iterator[Finding]:
    tests = sorted(index.tests, key=lambda test: test.path)
    if not tests:
        if found.directories:
            yield Finding(found.roots[0], 1, 1, "AC701", NO_TESTS.format(where=" or ".join(found.roots)))
        else:
            yield Finding(found.roots[0], 1, 1, "AC704", ONLY_FILES)
        return
    testclient = [(test.path, test.testclient) for test in tests if test.testclient]
    if testclient and not any(test.async_client for test in tests):
        path, (line, col) = testclient[0]
        yield Finding(path, line, col, "AC702", TESTCLIENT_ONLY)
    declared = {requirement.name for requirement in requirements}
    if not any(test.blockbuster for test in tests) and not declared & DETECTOR_PACKAGES:
        first = next((test for test in tests if test.is_conftest), tests[0])
        yield Finding(first.path, 1, 1, "AC703", NO_DETECTOR)
