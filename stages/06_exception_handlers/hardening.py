"""The blog's defences against hostile input. Not part of the lesson: this file is the same in every stage.

The migration changes main.py, database.py and models.py; this file never changes, so it never shows in a
stage's diff. What it does is checked by the shared suite's bad requests and fuzzing:

- ItemId, Skip, Limit and Page accept plain decimal numbers only ("10", not "1_0", "+10" or "10.0"), and
  refuse (422) numbers that an INTEGER column cannot hold; Limit, pages over 100 posts.
- LimitBodySize answers 413 to a request body that is too large, or that announces it will be.
- HeadAsGet answers HEAD like GET, without the body; SecurityHeaders tells browsers not to guess content
  types, not to frame the pages, and to load nothing from other sites.
- printable_errors makes the input that validation errors echo printable as JSON in UTF-8.
- NOT_FOUND, BAD_BODY and TAKEN document the API's error answers besides 422 in the OpenAPI schema.
- is_api tells the JSON API's paths from the pages, whose errors are HTML.
- ALLOWED_HOSTS names the hosts the app answers to (main.py's TrustedHostMiddleware refuses any other Host
  header with 400), so that no redirect points to a site a client named.
"""

import math
import os
import re
from typing import Annotated, Any

from fastapi import HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

import schemas

# The app's own names, comma-separated ("blog.example.com,*.blog.example.com"); the default is for a
# development machine. Behind a proxy, the name the proxy passes on in Host.
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")


def decimal(value: Any) -> Any:
    """int() also reads "1_0", "+1", " 1" and "1.0", so one row would have many names: plain digits only.

    "0" and "-1" pass here, so that the range check names the problem."""
    if isinstance(value, str) and not re.fullmatch(r"0|-?[1-9][0-9]*", value):
        raise ValueError("must be a whole number in plain decimal digits")
    return value


Decimal = BeforeValidator(decimal)
ItemId = Annotated[int, Decimal, Path(ge=1, le=schemas.MAX_ID)]
Skip = Annotated[int, Decimal, Query(ge=0, le=schemas.MAX_ID)]
Limit = Annotated[int, Decimal, Query(ge=1, le=100)]
Page = Annotated[int, Decimal, Query(ge=1, le=schemas.MAX_ID // 100)]


class LimitBodySize:
    """Answer 413 to a request body over max_bytes, whether or not it announces its length."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        received = 0

        async def receive_at_most():
            nonlocal received
            announced = dict(scope["headers"]).get(b"content-length", b"0")
            if not announced.isdigit() or int(announced) > self.max_bytes:  # refused before any of it arrives
                raise HTTPException(status_code=413, detail="Request body too large")
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(status_code=413, detail="Request body too large")
            return message

        await self.app(scope, receive_at_most if scope["type"] == "http" else receive, send)


class HeadAsGet:
    """FastAPI's @app.get routes answer HEAD with 405; answer it as GET would, headers only."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class SecurityHeaders:
    """nosniff on every answer; on the pages, no framing and nothing loaded from other sites.

    FastAPI's own /docs and /redoc load their scripts from a CDN, so they get nosniff only.
    """

    PAGE_HEADERS = (
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
    )

    def __init__(self, app, exempt: tuple[str, ...] = ("/docs", "/redoc")) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        page = not scope["path"].startswith(self.exempt)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if page and (b"content-type", b"text/html; charset=utf-8") in headers:
                    headers.extend(self.PAGE_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def printable(value):
    """A lone surrogate ("\\ud800" in JSON) has no UTF-8 form, NaN and Infinity have no JSON form; a body
    that is not JSON arrives as bytes, which need not be UTF-8: what cannot be decoded becomes U+FFFD."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", "\ufffd", value)
    return value if math.isfinite(value) else str(value)


def printable_errors(exc: RequestValidationError) -> RequestValidationError:
    """The same error, with what it echoes of the input made printable: the errors go back as JSON."""
    errors = jsonable_encoder(
        exc.errors(), custom_encoder={str: printable, bytes: printable, float: printable}
    )
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
