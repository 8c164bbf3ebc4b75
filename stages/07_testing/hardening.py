"""The blog's defences against hostile input. Not part of the lesson: this file is the same in every stage.

The migration changes main.py, database.py and models.py; this file never changes, so it never shows in a
stage's diff. What it does is checked by the shared suite's bad requests and fuzzing:

- ItemId and Skip refuse (422) numbers that an INTEGER column cannot hold; Limit, pages over 100 posts.
- LimitBodySize answers 413 to a request body that is too large.
- printable_errors makes the input that validation errors echo printable as JSON in UTF-8.
- NOT_FOUND, BAD_BODY and TAKEN document the API's error answers besides 422 in the OpenAPI schema.
- is_api tells the JSON API's paths from the pages, whose errors are HTML.
"""

import math
import re
from typing import Annotated, Any

from fastapi import HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError

import schemas

ItemId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
Skip = Annotated[int, Query(ge=0, le=schemas.MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]


class LimitBodySize:
    """Answer 413 to a request body over max_bytes, whether or not it announces its length."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        received = 0

        async def receive_at_most():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(status_code=413, detail="Request body too large")
            return message

        await self.app(scope, receive_at_most if scope["type"] == "http" else receive, send)


def printable(value):
    """A lone surrogate ("\\ud800" in JSON) has no UTF-8 form, NaN and Infinity have no JSON form."""
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", "\ufffd", value)
    return value if math.isfinite(value) else str(value)


def printable_errors(exc: RequestValidationError) -> RequestValidationError:
    """The same error, with what it echoes of the input made printable: the errors go back as JSON."""
    errors = jsonable_encoder(exc.errors(), custom_encoder={str: printable, float: printable})
    return RequestValidationError(errors, body=exc.body)


# The error answers the API routes give besides 422, for the OpenAPI schema. FastAPI itself answers 400
# to a body it cannot read as JSON at all (not UTF-8, or nested too deep).
Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's responses= argument
NOT_FOUND: Responses = {404: {"model": schemas.Message, "description": "Not found"}}
BAD_BODY: Responses = {400: {"model": schemas.Message, "description": "Body not readable as JSON"}}
TAKEN: Responses = {
    400: {"model": schemas.Message, "description": "Body not readable as JSON, or username or email taken"}
}


def is_api(request: Request) -> bool:
    """A request to the JSON API, which answers errors in JSON; every other path gets the HTML error page."""
    return request.url.path == "/api" or request.url.path.startswith("/api/")
