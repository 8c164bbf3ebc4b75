from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

import models
import schemas
from database import MAX_ASYNC_SESSIONS, TIMEOUT, UNAVAILABLE, Base, async_engine, get_async_db, unavailable
from hardening import (
    ALLOWED_HOSTS,
    BAD_BODY,
    NOT_FOUND,
    TAKEN,
    HeadAsGet,
    ItemId,
    Limit,
    LimitBodySize,
    Page,
    SecurityHeaders,
    Skip,
    is_api,
    printable_errors,
)

SHARED = Path(__file__).resolve().parents[2] / "shared_templates"  # shared by all stages of this repository


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Startup: create the tables through the async engine (create_all itself is sync: run_sync).
    async with async_engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    # Shutdown: close every pooled connection.
    await async_engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)
app.add_middleware(LimitBodySize, max_bytes=1_000_000)  # far above the largest valid request
app.add_middleware(HeadAsGet)
app.add_middleware(SecurityHeaders)
app.add_middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)  # any other Host header: 400
app.mount("/static", StaticFiles(directory=SHARED / "static"), name="static")
templates = Jinja2Templates(directory=SHARED / "templates")
# One session per request, closed (so rolled back) once the answer is ready and before it is sent
# (scope="function"): a client that reads slowly holds no connection, and whatever closing raises is still
# answered. max_concurrency: see database.py.
DbSession = Annotated[
    AsyncSession, Depends(get_async_db, scope="function", max_concurrency=MAX_ASYNC_SESSIONS)
]
NEWEST_FIRST = (models.Post.date_posted.desc(), models.Post.id.desc())
PAGE_SIZE = 10  # posts per page: no page costs more with a million posts than with ten


async def page_of_posts(db: AsyncSession, query, page: int) -> tuple[list[models.Post], bool]:
    """The posts of one page, and whether there is another page after it."""
    posts = (await db.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))).all()
    if page > 1 and not posts:
        raise HTTPException(status_code=404, detail="Page not found")
    return list(posts[:PAGE_SIZE]), len(posts) > PAGE_SIZE


async def ensure_available(
    db: AsyncSession, username: str | None, email: str | None, renamed: int = 0
) -> None:
    # Compared as the unique index compares (models.py: username_key); a user renamed to their own name in
    # another case is no clash.
    if username is not None:
        same_name = models.User.username_key == models.username_key(username)
        if await db.scalar(select(models.User.id).where(same_name, models.User.id != renamed)):
            raise HTTPException(status_code=400, detail="Username already exists")
    if email is not None and await db.scalar(select(models.User.id).where(models.User.email == email)):
        raise HTTPException(status_code=400, detail="Email already registered")


async def get_user_or_404(db: AsyncSession, user_id: int) -> models.User:
    if (user := await db.get(models.User, user_id)) is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


async def get_post_or_404(db: AsyncSession, post_id: int) -> models.Post:
    # The author comes in the same statement: the answer needs it, and a write route must not read after
    # its commit (a failure there would answer 500 for a change that is stored).
    if (post := await db.get(models.Post, post_id, options=[joinedload(models.Post.author)])) is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post


@app.get("/", include_in_schema=False, name="home")
@app.get("/posts", include_in_schema=False, name="posts")
async def home(request: Request, db: DbSession, page: Page = 1):
    query = select(models.Post).options(joinedload(models.Post.author)).order_by(*NEWEST_FIRST)
    posts, more = await page_of_posts(db, query, page)
    context = {"posts": posts, "page": page, "more": more, "title": "Home"}
    return templates.TemplateResponse(request, "home.html", context)


@app.get("/posts/{post_id}", include_in_schema=False)
async def post_page(request: Request, post_id: ItemId, db: DbSession):
    post = await get_post_or_404(db, post_id)
    return templates.TemplateResponse(request, "post.html", {"post": post, "title": post.title})


@app.get("/users/{user_id}/posts", include_in_schema=False)
async def user_posts_page(request: Request, user_id: ItemId, db: DbSession, page: Page = 1):
    user = await get_user_or_404(db, user_id)
    query = select(models.Post).where(models.Post.user_id == user_id).order_by(*NEWEST_FIRST)
    posts, more = await page_of_posts(db, query, page)
    context = {"user": user, "posts": posts, "page": page, "more": more, "title": f"Posts by {user.username}"}
    return templates.TemplateResponse(request, "user_posts.html", context)


@app.post("/api/users", response_model=schemas.UserResponse, status_code=201, responses=TAKEN)
async def create_user(user: schemas.UserCreate, db: DbSession):
    await ensure_available(db, user.username, user.email)
    new_user = models.User(username=user.username, email=user.email)
    db.add(new_user)
    try:
        await db.commit()
    except IntegrityError:  # a concurrent request took the username or the email since ensure_available
        raise HTTPException(status_code=400, detail="Username or email already exists") from None
    return new_user


@app.get("/api/users/{user_id}", response_model=schemas.UserResponse, responses=NOT_FOUND)
async def get_user(user_id: ItemId, db: DbSession):
    return await get_user_or_404(db, user_id)


@app.patch("/api/users/{user_id}", response_model=schemas.UserResponse, responses=NOT_FOUND | TAKEN)
async def update_user(user_id: ItemId, user_update: schemas.UserUpdate, db: DbSession):
    user = await get_user_or_404(db, user_id)
    changes = {k: v for k, v in user_update.model_dump(exclude_none=True).items() if v != getattr(user, k)}
    await ensure_available(db, changes.get("username"), changes.get("email"), user_id)
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        await db.commit()
    except IntegrityError:  # a concurrent request took the username or the email since ensure_available
        raise HTTPException(status_code=400, detail="Username or email already exists") from None
    except StaleDataError:  # a concurrent request deleted the user: the UPDATE found no row
        raise HTTPException(status_code=404, detail="User not found") from None
    return user


@app.delete("/api/users/{user_id}", status_code=204, responses=NOT_FOUND)
async def delete_user(user_id: ItemId, db: DbSession):
    # One statement, so that of two concurrent deletes only one succeeds; the database deletes the posts.
    deleted = await db.scalar(delete(models.User).where(models.User.id == user_id).returning(models.User.id))
    await db.commit()
    if deleted is None:
        raise HTTPException(status_code=404, detail="User not found")


@app.get("/api/users/{user_id}/posts", response_model=list[schemas.PostResponse], responses=NOT_FOUND)
async def get_user_posts(user_id: ItemId, db: DbSession, skip: Skip = 0, limit: Limit = 100):
    await get_user_or_404(db, user_id)
    query = (
        select(models.Post)
        .where(models.Post.user_id == user_id)
        .options(joinedload(models.Post.author))
        .order_by(*NEWEST_FIRST)
    )
    return (await db.scalars(query.offset(skip).limit(limit))).all()


@app.get("/api/posts", response_model=list[schemas.PostResponse])
async def get_posts(db: DbSession, skip: Skip = 0, limit: Limit = 100):
    query = (
        select(models.Post)
        .options(joinedload(models.Post.author))
        .order_by(*NEWEST_FIRST)
        .offset(skip)
        .limit(limit)
    )
    return (await db.scalars(query)).all()


@app.post("/api/posts", response_model=schemas.PostResponse, status_code=201, responses=NOT_FOUND | BAD_BODY)
async def create_post(post: schemas.PostCreate, db: DbSession):
    author = await get_user_or_404(db, post.user_id)
    new_post = models.Post(title=post.title, content=post.content, author=author)
    db.add(new_post)
    try:
        await db.commit()
    except IntegrityError:  # a concurrent request deleted the author: user_id names no user any more
        raise HTTPException(status_code=404, detail="User not found") from None
    return new_post


@app.get("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND)
async def get_post(post_id: ItemId, db: DbSession):
    return await get_post_or_404(db, post_id)


@app.put("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND | BAD_BODY)
async def replace_post(post_id: ItemId, post_data: schemas.PostCreate, db: DbSession):
    post = await get_post_or_404(db, post_id)
    post.author = await get_user_or_404(db, post_data.user_id)
    post.title, post.content = post_data.title, post_data.content
    try:
        await db.commit()
    except IntegrityError:  # a concurrent request deleted the new author: user_id names no user any more
        raise HTTPException(status_code=404, detail="User not found") from None
    except StaleDataError:  # a concurrent request deleted the post: the UPDATE found no row
        raise HTTPException(status_code=404, detail="Post not found") from None
    return post


@app.patch("/api/posts/{post_id}", response_model=schemas.PostResponse, responses=NOT_FOUND | BAD_BODY)
async def update_post(post_id: ItemId, post_data: schemas.PostUpdate, db: DbSession):
    post = await get_post_or_404(db, post_id)
    for field, value in post_data.model_dump(exclude_none=True).items():
        setattr(post, field, value)
    try:
        await db.commit()
    except StaleDataError:  # a concurrent request deleted the post: the UPDATE found no row
        raise HTTPException(status_code=404, detail="Post not found") from None
    return post


@app.delete("/api/posts/{post_id}", status_code=204, responses=NOT_FOUND)
async def delete_post(post_id: ItemId, db: DbSession):
    deleted = await db.scalar(delete(models.Post).where(models.Post.id == post_id).returning(models.Post.id))
    await db.commit()
    if deleted is None:
        raise HTTPException(status_code=404, detail="Post not found")


@app.exception_handler(StarletteHTTPException)
def handle_http_error(request: Request, exc: StarletteHTTPException):
    if is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    context = {"status_code": exc.status_code, "detail": exc.detail, "title": "Error"}
    return templates.TemplateResponse(request, "error.html", context, exc.status_code, exc.headers)


@app.exception_handler(RequestValidationError)
def handle_validation_error(request: Request, exc: RequestValidationError):
    exc = printable_errors(exc)  # the errors echo the input, which JSON in UTF-8 may not carry as it is
    if is_api(request):
        return JSONResponse({"detail": exc.errors()}, status_code=422)
    detail = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors())
    return handle_http_error(request, StarletteHTTPException(422, detail))


def handle_unavailable(request: Request, exc: Exception):
    # The database is down, too slow or out of connections: say so, and when to try again.
    if not unavailable(exc):
        raise exc  # a bug after all: handle_unexpected_error answers 500
    headers = {"Retry-After": str(max(1, round(TIMEOUT)))}
    return handle_http_error(request, StarletteHTTPException(503, "Database unavailable", headers))


for error in UNAVAILABLE:
    app.add_exception_handler(error, handle_unavailable)


@app.exception_handler(Exception)
def handle_unexpected_error(request: Request, exc: Exception):
    # The server logs the error; the client gets a 500 in the usual error shape, and no traceback. Starlette
    # raises the error again after this answer, and uvicorn then closes the connection: Connection: close
    # says so, so that a client never sends another request on it and wonders whether it arrived.
    headers = {"Connection": "close"}
    return handle_http_error(request, StarletteHTTPException(500, "Internal Server Error", headers))
