from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

import models
import schemas
from database import Base, async_engine, get_async_db

SHARED = Path(__file__).resolve().parents[2] / "shared_templates"


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Startup: create the tables through the async engine (create_all itself is sync: run_sync).
    async with async_engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    # Shutdown: close every pooled connection.
    await async_engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)
app.mount("/static", StaticFiles(directory=SHARED / "static"), name="static")
templates = Jinja2Templates(directory=SHARED / "templates")

DbSession = Annotated[AsyncSession, Depends(get_async_db)]
ItemId = Annotated[int, PathParam(ge=1, le=schemas.MAX_ID)]
NEWEST_FIRST = (models.Post.date_posted.desc(), models.Post.id.desc())


async def commit_or_raise(db: AsyncSession, missing: str, conflict: str = "") -> None:
    """Commit; if a concurrent request changed the rows first, answer as if it had won."""
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise HTTPException(status_code=400, detail=conflict or missing) from None
    except StaleDataError:
        await db.rollback()
        raise HTTPException(status_code=404, detail=missing) from None


async def ensure_available(db: AsyncSession, username: str | None, email: str | None) -> None:
    if username is not None and await db.scalar(
        select(models.User.id).where(models.User.username == username)
    ):
        raise HTTPException(status_code=400, detail="Username already exists")
    if email is not None and await db.scalar(select(models.User.id).where(models.User.email == email)):
        raise HTTPException(status_code=400, detail="Email already registered")


async def get_user_or_404(db: AsyncSession, user_id: int) -> models.User:
    user = await db.get(models.User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


async def get_post_or_404(db: AsyncSession, post_id: int) -> models.Post:
    post = await db.get(models.Post, post_id, options=[selectinload(models.Post.author)])
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post


# Pages


@app.get("/", include_in_schema=False, name="home")
@app.get("/posts", include_in_schema=False, name="posts")
async def home(request: Request, db: DbSession):
    query = select(models.Post).options(selectinload(models.Post.author)).order_by(*NEWEST_FIRST)
    posts = (await db.scalars(query)).all()
    return templates.TemplateResponse(request, "home.html", {"posts": posts, "title": "Home"})


@app.get("/posts/{post_id}", include_in_schema=False)
async def post_page(request: Request, post_id: ItemId, db: DbSession):
    post = await get_post_or_404(db, post_id)
    return templates.TemplateResponse(request, "post.html", {"post": post, "title": post.title})


@app.get("/users/{user_id}/posts", include_in_schema=False)
async def user_posts_page(request: Request, user_id: ItemId, db: DbSession):
    user = await get_user_or_404(db, user_id)
    query = select(models.Post).where(models.Post.user_id == user_id).order_by(*NEWEST_FIRST)
    posts = (await db.scalars(query)).all()
    context = {"user": user, "posts": posts, "title": f"Posts by {user.username}"}
    return templates.TemplateResponse(request, "user_posts.html", context)


# Users API


@app.post("/api/users", response_model=schemas.UserResponse, status_code=201)
async def create_user(user: schemas.UserCreate, db: DbSession):
    await ensure_available(db, user.username, user.email)
    new_user = models.User(username=user.username, email=user.email)
    db.add(new_user)
    await commit_or_raise(db, "User not found", conflict="Username or email already exists")
    await db.refresh(new_user)
    return new_user


@app.get("/api/users/{user_id}", response_model=schemas.UserResponse)
async def get_user(user_id: ItemId, db: DbSession):
    return await get_user_or_404(db, user_id)


@app.patch("/api/users/{user_id}", response_model=schemas.UserResponse)
async def update_user(user_id: ItemId, user_update: schemas.UserUpdate, db: DbSession):
    user = await get_user_or_404(db, user_id)
    changes = user_update.model_dump(exclude_none=True)
    await ensure_available(
        db,
        changes.get("username") if changes.get("username") != user.username else None,
        changes.get("email") if changes.get("email") != user.email else None,
    )
    for field, value in changes.items():
        setattr(user, field, value)
    await commit_or_raise(db, "User not found", conflict="Username or email already exists")
    await db.refresh(user)
    return user


@app.delete("/api/users/{user_id}", status_code=204)
async def delete_user(user_id: ItemId, db: DbSession):
    user = await get_user_or_404(db, user_id)
    await db.delete(user)
    await commit_or_raise(db, "User not found")


@app.get("/api/users/{user_id}/posts", response_model=list[schemas.PostResponse])
async def get_user_posts(user_id: ItemId, db: DbSession):
    await get_user_or_404(db, user_id)
    query = (
        select(models.Post)
        .where(models.Post.user_id == user_id)
        .options(selectinload(models.Post.author))
        .order_by(*NEWEST_FIRST)
    )
    return (await db.scalars(query)).all()


# Posts API


@app.get("/api/posts", response_model=list[schemas.PostResponse])
async def get_posts(
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
    return (await db.scalars(query)).all()


@app.post("/api/posts", response_model=schemas.PostResponse, status_code=201)
async def create_post(post: schemas.PostCreate, db: DbSession):
    await get_user_or_404(db, post.user_id)
    new_post = models.Post(title=post.title, content=post.content, user_id=post.user_id)
    db.add(new_post)
    await commit_or_raise(db, "User not found")
    await db.refresh(new_post, attribute_names=["author"])
    return new_post


@app.get("/api/posts/{post_id}", response_model=schemas.PostResponse)
async def get_post(post_id: ItemId, db: DbSession):
    return await get_post_or_404(db, post_id)


@app.put("/api/posts/{post_id}", response_model=schemas.PostResponse)
async def replace_post(post_id: ItemId, post_data: schemas.PostCreate, db: DbSession):
    post = await get_post_or_404(db, post_id)
    await get_user_or_404(db, post_data.user_id)
    post.title = post_data.title
    post.content = post_data.content
    post.user_id = post_data.user_id
    await commit_or_raise(db, "Post not found")
    await db.refresh(post, attribute_names=["author"])
    return post


@app.patch("/api/posts/{post_id}", response_model=schemas.PostResponse)
async def update_post(post_id: ItemId, post_data: schemas.PostUpdate, db: DbSession):
    post = await get_post_or_404(db, post_id)
    for field, value in post_data.model_dump(exclude_none=True).items():
        setattr(post, field, value)
    await commit_or_raise(db, "Post not found")
    await db.refresh(post, attribute_names=["author"])
    return post


@app.delete("/api/posts/{post_id}", status_code=204)
async def delete_post(post_id: ItemId, db: DbSession):
    post = await get_post_or_404(db, post_id)
    await db.delete(post)
    await commit_or_raise(db, "Post not found")


# Errors: JSON under /api, the error page everywhere else


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


@app.exception_handler(StarletteHTTPException)
async def handle_http_error(request: Request, exc: StarletteHTTPException):
    if is_api(request):
        return await http_exception_handler(request, exc)
    context = {"status_code": exc.status_code, "detail": exc.detail, "title": "Error"}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=exc.status_code, headers=exc.headers
    )


@app.exception_handler(RequestValidationError)
async def handle_validation_error(request: Request, exc: RequestValidationError):
    if is_api(request):
        return await request_validation_exception_handler(request, exc)
    detail = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors())
    context = {"status_code": 422, "detail": detail, "title": "Error"}
    return templates.TemplateResponse(request, "error.html", context, status_code=422)


@app.exception_handler(Exception)
async def handle_unexpected_error(request: Request, exc: Exception):
    # The error is logged by the server; the client gets the usual error shape and no traceback.
    if is_api(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    context = {"status_code": 500, "detail": "Internal Server Error", "title": "Error"}
    return templates.TemplateResponse(request, "error.html", context, status_code=500)
