"""Property-based tests of the JSON API against the stage's own OpenAPI schema, with schemathesis.

Every operation gets generated requests, valid ones and invalid ones, sent over HTTP to the stage running
under uvicorn. Each answer must not be a 5xx, must use a status code the schema documents for that operation,
and must match the documented content type and body schema.

The run is reproducible: a fixed seed, no example database, a fixed number of examples per operation
(FUZZ_EXAMPLES, small by default; `nox -s fuzz` raises it).

Each operation starts from the same few users and posts, and every other valid id the generator picks is
folded onto them, so that updates and deletes of real rows get generated bodies too, not only 404s.

Every operation must have sent requests; the run's summary says how many, with the statuses seen.
"""

import importlib
import os
from collections import Counter

import anyio
import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("FUZZ_SEED", "20260115"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SEEDED = 8  # users, each with one post, before the run

# The schema the stage's app builds, the one it serves at /openapi.json. It is read at collection time:
# schemathesis' lazy loader (schemathesis.pytest.from_fixture) does not work with pytest 9.
schema = schemathesis.openapi.from_dict(importlib.import_module("main").app.openapi())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def fold(value):
    """An even valid id becomes one of the seeded ids; anything else is left as generated."""
    if type(value) is int and value >= 1 and value % 2 == 0:
        return 1 + value // 2 % SEEDED
    return value


@schema.hook
def map_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):  # None for an operation without path parameters
        return path_parameters
    return {name: fold(value) for name, value in path_parameters.items()}


@schema.hook
def map_body(context, body):
    if isinstance(body, dict) and "user_id" in body:
        return {**body, "user_id": fold(body["user_id"])}
    return body


@pytest.fixture(scope="module")
def statuses() -> Counter:
    """The status of every generated request of the module, tallied for the run's summary."""
    return Counter()


@pytest.fixture
def sent(statuses, tally):
    """The statuses of one operation's requests: schemathesis must have sent some."""
    sent: Counter[int] = Counter()
    yield sent
    statuses.update(sent)
    errors = sum(count for status, count in statuses.items() if status >= 500)
    line = f"{statuses.total()} requests sent, {errors} 5xx seen; statuses {dict(sorted(statuses.items()))}"
    tally(line, label="test_api_matches_its_schema")
    assert sent.total() > 0, "no request was generated for this operation"


@pytest.fixture
def seeded(live, blog_on):
    """Empty tables and the seeded rows, once per operation (not per example)."""

    async def seed() -> None:
        async with httpx.AsyncClient(base_url=live.url) as http:
            blog = blog_on(http)
            for n in range(1, SEEDED + 1):
                await blog.post(await blog.user(f"seed{n}"), f"Seed {n}", "Seeded.")

    anyio.run(seed)
    return live


@schema.parametrize()
@hypothesis.seed(SEED)
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_matches_its_schema(case, seeded, sent):
    response = case.call(base_url=seeded.url, timeout=30)
    sent[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
