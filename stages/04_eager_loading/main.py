import math
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

import models
import schemas
from database import Base, async_engine, engine, get_db

SHARED = Path(__file__).resolve().parents[2] / "shared_templates"


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


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Startup: create the tables through the async engine (create_all itself is sync: run_sync).
    async with async_engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    # Shutdown: close every pooled connection.
    await async_engine.dispose()
    engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)
# Far above the largest valid request (a 10,000-character post), far below what would hurt the server.
app.add_middleware(LimitBodySize, max_bytes=1_000_000)
app.mount("/static", StaticFiles(directory=SHARED / "static"), name="static")
templates = Jinja2Templates(directory=SHARED / "templates")

# Every API route ends with a commit, which hands its connection back to the pool before the response is
# serialized: a sync route's response waits for a worker thread, and waiting with a connection deadlocks.
DbSession = Annotated[Session, Depends(get_db)]
ItemId = Annotated[int, PathParam(ge=1, le=schemas.MAX_ID)]
NEWEST_FIRST = (models.Post.date_posted.desc(), models.Post.id.desc())
# The error answers the API routes give besides 422, for the OpenAPI schema. FastAPI itself answers 400
# to a body it cannot read as JSON at all (not UTF-8, or nested too deep).
NOT_FOUND = {404: {"model": schemas.Message, "description": "Not found"}}
BAD_BODY = {400: {"model": schemas.Message, "description": "Body not readable as JSON"}}
TAKEN = {
    400: {"model": schemas.Message, "description": "Body not readable as JSON, or username or email taken"}
}


def commit_or_raise(db: Session, missing: str, conflict: str = "") -> None:
    """Commit; if a concurrent request changed the rows first, answer as if it had won."""
    try:
        db.commit()
    except IntegrityError:
        # A username or email taken meanwhile (conflict), or the user a post points to deleted.
        db.rollback()
        if conflict:
            raise HTTPException(status_code=400, detail=conflict) from None
        raise HTTPException(status_code=404, detail="User not found") from None
    except StaleDataError:
        db.rollback()
        raise HTTPException(status_code=404, detail=missing) from None


def ensure_available(db: Session, username: str | None, email: str | None) -> None:
    if username is not None and db.scalar(select(models.User.id).where(models.User.username == username)):
        raise HTTPException(status_code=400, detail="Username already exists")
    if email is not None and db.scalar(select(models.User.id).where(models.User.email == email)):
        raise HTTPException(status_code=400, detail="Email already registered")


def get_user_or_404(db: Session, user_id: int) -> models.User:
    user = db.get(models.User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


def get_post_or_404(db: Session, post_id: int) -> models.Post:
    post = db.get(models.Post, post_id, options=[selectinload(models.Post.author)])
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post


# Pages


@app.get("/", include_in_schema=False, name="home")
@app.get("/posts", include_in_schema=False, name="posts")
def home(request: Request, db: DbSession):
    query = select(models.Post).options(selectinload(models.Post.author)).order_by(*NEWEST_FIRST)
    posts = db.scalars(query).all()
    return templates.TemplateResponse(request, "home.html", {"posts": posts, "title": "Home"})


@app.get("/posts/{post_id}", include_in_schema=False)
def post_page(request: Request, post_id: ItemId, db: DbSession):
    post = get_post_or_404(db, post_id)
    return templates.TemplateResponse(request, "post.html", {"post": post, "title": post.title})


@app.get("/users/{user_id}/posts", include_in_schema=False)
def user_posts_page(request: Request, user_id: ItemId, db: DbSession):
    user = get_user_or_404(db, user_id)
    query = select(models.Post).where(models.Post.user_id == user_id).order_by(*NEWEST_FIRST)
    posts = db.scalars(query).all()
    context = {"user": user, "posts": posts, "title": f"Posts by {user.username}"}
    return templates.TemplateResponse(request, "user_posts.html", context)


# Users API


@app.post("/api/users", response_model=schemas.UserResponse, status_code=201, responses=TAKEN)
def create_user(user: schemas.UserCreate, db: DbSession):
    ensure_available(db, user.username, user.email)
    new_user = models.User(username=user.username, email=user.email)
    db.add(new_user)
    commit_or_raise(db, "User not found", conflict="Username or email already exists")
    return new_user


@app.get("/api/users/{user_id}", response_model=schemas.UserResponse, responses=NOT_FOUND)
def get_user(user_id: ItemId, db: DbSession):
    user = get_user_or_404(db, user_id)
    db.commit()
    return user


@app.patch("/api/users/{user_id}", response_model=schemas.UserResponse, responses=NOT_FOUND | TAKEN)
def update_user(user_id: ItemId, user_update: schemas.UserUpdate, db: DbSession):
    user = get_user_or_404(db, user_id)
    changes = user_update.model_dump(exclude_none=True)
    ensure_available(
        db,
        changes.get("username") if changes.get("username") != user.username else None,
        changes.get("email") if changes.get("email") != user.email else None,
    )
    for field, value in changes.items():
        setattr(user, field, value)
    commit_or_raise(db, "User not found", conflict="Username or email already exists")
    return user


@app.delete("/api/users/{user_id}", status_code=204, responses=NOT_FOUND)
def delete_user(user_id: ItemId, db: DbSession):
    # One statement, so that of two concurrent deletes only one succeeds; the database deletes the posts.
    result = db.execute(delete(models.User).where(models.User.id == user_id))
    db.commit()
    if result.rowcount == 0:
        raise HTTPException(status_code=404, detail="User not found")


@app.get("/api/users/{user_id}/posts", response_model=list[schemas.PostResponse], responses=NOT_FOUND)
def get_user_posts(user_id: ItemId, db: DbSession):
    get_user_or_404(db, user_id)
    query = (
        select(models.Post)
        .where(models.Post.user_id == user_id)
        .options(selectinload(models.Post.author))
        .order_by(*NEWEST_FIRST)
    )
    posts = db.scalars(query).all()
    db.commit()
    return posts


# Posts API


@app.get("/api/posts", response_model=list[schemas.PostResponse])
def get_posts(
    db: DbSession,
    skip: Annotated[int, Query(ge=0, le=schemas.MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
):
    query = (
        select(models.Post)
        .options(selectinload(models.Post.author))
        .order_by(*NEWEST_FIRST)
        .offset(skip)
        .limit(limit)
    )
    posts = db.scalars(query).all()
    db.commit()
    return posts


@app.post("/api/posts", response_model=schemas.PostResponse, status_code=201, responses=NOT_FOUND | BAD_BODY)
def create_post(post: schemas.PostCreate, db: DbSession):
    author = get_user_or_404(db, post.user_id)
    new_post = models.Post(title=post.title, content=post.content, author=author)
    db.add(new_post)
    commit_or_raise(db, "User not found")
    return new_post


@app.get("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND)
def get_post(post_id: ItemId, db: DbSession):
    post = get_post_or_404(db, post_id)
    db.commit()
    return post


@app.put("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND | BAD_BODY)
def replace_post(post_id: ItemId, post_data: schemas.PostCreate, db: DbSession):
    post = get_post_or_404(db, post_id)
    post.author = get_user_or_404(db, post_data.user_id)
    post.title = post_data.title
    post.content = post_data.content
    commit_or_raise(db, "Post not found")
    return post


@app.patch("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND | BAD_BODY)
def update_post(post_id: ItemId, post_data: schemas.PostUpdate, db: DbSession):
    post = get_post_or_404(db, post_id)
    for field, value in post_data.model_dump(exclude_none=True).items():
        setattr(post, field, value)
    commit_or_raise(db, "Post not found")
    return post


@app.delete("/api/posts/{post_id}", status_code=204, responses=NOT_FOUND)
def delete_post(post_id: ItemId, db: DbSession):
    # One statement, so that of two concurrent deletes only one succeeds.
    result = db.execute(delete(models.Post).where(models.Post.id == post_id))
    db.commit()
    if result.rowcount == 0:
        raise HTTPException(status_code=404, detail="Post not found")


# Errors: JSON under /api, the error page everywhere else


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


@app.exception_handler(StarletteHTTPException)
def handle_http_error(request: Request, exc: StarletteHTTPException):
    if is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    context = {"status_code": exc.status_code, "detail": exc.detail, "title": "Error"}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=exc.status_code, headers=exc.headers
    )


def printable(value):
    """A lone surrogate ("\\ud800" in JSON) has no UTF-8 form, NaN and Infinity have no JSON form."""
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", "\ufffd", value)
    return value if math.isfinite(value) else str(value)


@app.exception_handler(RequestValidationError)
def handle_validation_error(request: Request, exc: RequestValidationError):
    # The errors echo the input: make what JSON in UTF-8 cannot carry printable before answering.
    errors = jsonable_encoder(exc.errors(), custom_encoder={str: printable, float: printable})
    exc = RequestValidationError(errors, body=exc.body)
    if is_api(request):
        return JSONResponse({"detail": exc.errors()}, status_code=422)
    detail = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors())
    context = {"status_code": 422, "detail": detail, "title": "Error"}
    return templates.TemplateResponse(request, "error.html", context, status_code=422)


@app.exception_handler(Exception)
def handle_unexpected_error(request: Request, exc: Exception):
    # The error is logged by the server; the client gets the usual error shape and no traceback.
    if is_api(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    context = {"status_code": 500, "detail": "Internal Server Error", "title": "Error"}
    return templates.TemplateResponse(request, "error.html", context, status_code=500)
