"""What one request costs the database in statements, with 10 posts in the database and then with 500.

What a request may cost is data. The lists of posts with their authors show a page of posts: 10 on the HTML
pages, the API's default limit of 100 on GET /api/posts. Until the manifest says lazy_raise, they load each
distinct author on the page lazily, one statement per author after the one for the posts (the N+1): with 10
posts by 10 authors the pages cost 11 statements, and with 500 posts by 50 authors still 11 (a page shows
10), but GET /api/posts costs 51 (its 100 posts have all 50 authors). From lazy_raise on, the posts come with
their authors in one statement, a JOIN (joinedload). Every other endpoint costs the same with 10 posts as
with 500 at every stage, and from lazy_raise on every endpoint does. (counting.py counts; the other calls
that reach the driver are test_driver_calls.py's.)

Each test records its counts as a property; with STATEMENT_COUNTS_JSON set, conftest.py writes them all
to that file (the benchmark reads it).
"""

from collections import Counter

import pytest

from counting import CALLS, LARGE, SMALL, USERS, small_and_large
from tools import stages

pytestmark = pytest.mark.anyio

# The endpoints that show a list of posts, each with its author, and how many posts one request shows: a
# page of the HTML lists, the API's default limit. The newest posts are by as many authors in turn.
LISTS_WITH_AUTHORS = {"GET /": 10, "GET /posts": 10, "GET /api/posts": 100}
EAGER_LIST = 1  # with lazy_raise: SELECT posts JOIN users, the page's posts with their authors (joinedload)


def expected_counts(name: str, stage: stages.Stage) -> tuple[int, int] | None:
    """(small, large) for a list with authors: with lazy_raise one JOIN, without it 1 + the page's authors."""
    if name not in LISTS_WITH_AUTHORS:
        return None
    if stage.lazy_raise:
        return EAGER_LIST, EAGER_LIST
    shown = LISTS_WITH_AUTHORS[name]
    return 1 + min(SMALL, shown, USERS), 1 + min(LARGE, shown, USERS)  # the posts, a lazy load per author


@pytest.mark.parametrize("name", list(CALLS))
async def test_statements_per_request(name, stage, client, harness_engine, record_property):
    small, large = await small_and_large(client, harness_engine, name)
    statement, times = Counter(large.statements).most_common(1)[0]
    found = {
        "small": len(small.statements),
        "large": len(large.statements),
        "most_repeated": [statement, times],
    }
    driver_calls = {"small": small.driver_calls(), "large": large.driver_calls()}
    record_property(
        "statements", {"endpoint": name, "sizes": [SMALL, LARGE], **found, "driver_calls": driver_calls}
    )

    expected = expected_counts(name, stage)
    if expected is None:
        assert found["large"] == found["small"], (
            f"{name} issues {found['small']} statements with {SMALL} posts but {found['large']} with "
            f"{LARGE}: a query per row ({times} x {statement!r})"
        )
    else:
        assert (found["small"], found["large"]) == expected, (
            f"{name} with {SMALL} and {LARGE} posts: expected {expected[0]} and {expected[1]} statements "
            f"(lazy_raise={stage.lazy_raise}), counted {found['small']} and {found['large']}; "
            f"most repeated: {times} x {statement!r}"
        )
