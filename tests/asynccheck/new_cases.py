"""The rule cases of the codes issue 21 and issue 20 added, as data: a code, a small app, and whether the
code must fire. test_rules_05_to_07.py runs them with the others and checks that every code has a case that
fires it and one where it stays silent."""

from helpers import fires, silent

CHECK = "@check"  # a case that checks this file of the app only, not its folder

ASYNC_DB = """
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite:///./app.db")
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False)

    async def get_session():
        async with SessionFactory() as session:
            yield session
"""
PG_DB = ASYNC_DB.replace("sqlite+aiosqlite:///./app.db", "postgresql+asyncpg://app@db/app")
ROUTE = 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/")\n'
# A helper in another module that blocks, and a route that calls it.
HELPERS = """
    import time

    import bcrypt

    def pause():
        time.sleep(0.1)

    def hash_password(password: str) -> bytes:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt())

    def register(password: str) -> bytes:
        return hash_password(password)
"""
CRUD_BASE = """
    from typing import Generic, TypeVar

    ModelType = TypeVar("ModelType")

    class CRUDBase(Generic[ModelType]):
        def __init__(self, model: type[ModelType]):
            self.model = model

        async def get(self, session, id: int):
            return await session.get(self.model, id)

        def describe(self) -> str:
            return self.model.__name__
"""
CRUD_ITEM = """
    from app.crud.base import CRUDBase
    from app.models import Item

    class CRUDItem(CRUDBase[Item]):
        async def latest(self, session):
            return None

    item = CRUDItem(Item)
"""


def crud_app(route_body: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/crud/__init__.py": "from app.crud.crud_item import item\n",
        "app/crud/base.py": CRUD_BASE,
        "app/crud/crud_item.py": CRUD_ITEM,
        "app/models.py": "class Item:\n    pass\n",
        "app/main.py": "from app import crud\n" + ROUTE + "async def read(session):\n" + route_body,
    }


# A middleware that puts a session on every request's state, and a route that uses it.
STATE_MIDDLEWARE = """
    from fastapi import FastAPI, Request

    from app.db import SessionLocal

    app = FastAPI()

    @app.middleware("http")
    async def db_session(request: Request, call_next):
        request.state.db = SessionLocal()
        return await call_next(request)
"""
SYNC_DB = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    engine = create_engine("sqlite:///./app.db")
    SessionLocal = sessionmaker(engine)
"""
STATE_ROUTE = "from fastapi import Request\n" + ROUTE + "async def r(request: Request):\n    {call}\n"


def state_app(db: str, call: str = "request.state.db.commit()") -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/db.py": db,
        "app/main.py": STATE_MIDDLEWARE,
        "app/routes.py": STATE_ROUTE.format(call=call),
    }


def blocking_app(route_body: str, helpers: str = HELPERS) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/helpers.py": helpers,
        "app/main.py": "from app import helpers\nimport time\n" + ROUTE + "async def r():\n" + route_body,
    }


def namespace(files: dict[str, str]) -> dict[str, str]:
    """The same app with no __init__.py (namespace packages), its requirements beside `app/`."""
    return {
        "requirements.txt": "fastapi\n",
        **{k: v for k, v in files.items() if not k.endswith("__init__.py")},
    }


SQLMODEL_DB = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    {import_}

    engine = create_async_engine("sqlite+aiosqlite:///./app.db")
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False{class_})
"""
SQLMODEL_CRUD = (
    "from sqlmodel import select\n"
    "async def users(session):\n    return (await session.exec(select(User))).all()\n"
)
ALEMBIC_ENV = """
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    def run_migrations_online():
        connectable = engine_from_config(context.config.get_section("alembic"), poolclass=pool.NullPool)
        with connectable.connect() as connection:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
"""
ASYNC_ALEMBIC_ENV = """
    import asyncio

    from alembic import context
    from sqlalchemy.ext.asyncio import async_engine_from_config

    async def run_async_migrations():
        connectable = async_engine_from_config(context.config.get_section("alembic"))
        async with connectable.connect() as connection:
            await connection.run_sync(lambda conn: None)
        await connectable.dispose()

    asyncio.run(run_async_migrations())
"""
MODELS = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Post(Base):
        __tablename__ = "posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        author: Mapped[User] = relationship()
"""
SCHEMAS = """
    from pydantic import BaseModel

    class UserOut(BaseModel):
        id: int

    class PostOut(BaseModel):
        id: int
        author: UserOut
"""
POSTS_ROUTE = """
    from fastapi import FastAPI
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    import models, schemas

    app = FastAPI()

    @app.get("/posts", response_model=list[schemas.PostOut])
    def posts(db):
        return db.scalars(select(models.Post){options}).all()
"""


def posts_app(options: str = "") -> dict[str, str]:
    return {"models.py": MODELS, "schemas.py": SCHEMAS, "main.py": POSTS_ROUTE.replace("{options}", options)}


GUARDED_IMPORT = "try:\n    from app.db import SessionLocal\nexcept ImportError:\n    SessionLocal = None\n"

NEW_CASES = [
    # 02: SQLModel's session class when the app calls session.exec()
    fires(
        "AC205",
        {"db.py": SQLMODEL_DB.format(import_="", class_=""), "crud.py": SQLMODEL_CRUD},
        "plain-async-session",
    ),
    silent(
        "AC205",
        {
            "db.py": SQLMODEL_DB.format(
                import_="from sqlmodel.ext.asyncio.session import AsyncSession",
                class_=", class_=AsyncSession",
            ),
            "crud.py": SQLMODEL_CRUD,
        },
        "sqlmodel-async-session",
    ),
    # 03: an async engine and an app without a lifespan (advice)
    fires("AC303", {"db.py": ASYNC_DB, "main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}, "none"),
    silent(
        "AC303",
        {"db.py": ASYNC_DB, "main.py": "from fastapi import FastAPI\napp = FastAPI(lifespan=lifespan)\n"},
        "lifespan",
    ),
    # 04: a relationship the response model reads, selected without an eager load
    fires("AC404", posts_app(), "no-option"),
    silent("AC404", posts_app(".options(joinedload(models.Post.author))"), "joinedload"),
    # 05: blocking calls in async def, directly and through the app's own functions in another module
    fires("AC507", blocking_app("    time.sleep(1)\n"), "sleep"),
    fires("AC507", blocking_app("    helpers.pause()\n"), "helper-in-another-module"),
    fires("AC507", blocking_app("    return helpers.register('pw')\n"), "two-levels"),
    fires(
        "AC507",
        blocking_app(
            "    return helpers.pwd.hash('pw')\n",
            "from passlib.context import CryptContext\npwd = CryptContext(schemes=['bcrypt'])\n",
        ),
        "passlib-context",
    ),
    fires(
        "AC507",
        blocking_app(
            "    (helpers.DATA / 'out.txt').write_text('x')\n", "from pathlib import Path\nDATA = Path('d')\n"
        ),
        "path-joined",
    ),
    silent(
        "AC507",
        blocking_app(
            "    await (helpers.DATA / 'out.txt').write_text('x')\n", "import anyio\nDATA = anyio.Path('d')\n"
        ),
        "anyio-path-joined",
    ),
    fires("AC507", namespace(blocking_app("    helpers.pause()\n")), "helper-in-a-namespace-package"),
    silent("AC507", blocking_app("    await asyncio.sleep(1)\n"), "asyncio-sleep"),
    silent(
        "AC507",
        blocking_app("    await run_in_threadpool(helpers.hash_password, 'pw')\n"),
        "in-the-thread-pool",
    ),
    silent("AC507", blocking_app("    await anyio.to_thread.run_sync(lambda: helpers.pause())\n"), "lambda"),
    fires("AC507", state_app(SYNC_DB), "sync-session-on-request-state"),
    silent("AC507", state_app(SYNC_DB, "request.state.db.add(object())"), "no-io-method"),
    silent(
        "AC507",
        state_app(ASYNC_DB.replace("SessionFactory", "SessionLocal"), "await request.state.db.commit()"),
        "async-session-on-state",
    ),
    # 05: un-awaited calls to the app's own coroutines, through a generic crud class's instance
    fires("AC508", crud_app("    return crud.item.get(session, 1).id\n"), "inherited-method"),
    fires("AC508", crud_app("    crud.item.latest(session)\n"), "own-method-discarded"),
    silent("AC508", crud_app("    return (await crud.item.get(session, 1)).id\n"), "awaited"),
    silent("AC508", crud_app("    return crud.item.describe()\n"), "plain-method"),
    silent(
        "AC508", crud_app("    task = crud.item.get(session, 1)\n    return await task\n"), "awaited-later"
    ),
    # 05: an import of a name the project's module no longer has
    fires(
        "AC509",
        {
            "app/__init__.py": "",
            "app/db.py": ASYNC_DB,
            "scripts/initial_data.py": "from app.db import SessionLocal\n",
        },
        "session-local",
    ),
    silent(
        "AC509",
        {
            "app/__init__.py": "",
            "app/db.py": ASYNC_DB + "    a, b = 1, 2\n",
            "scripts/initial_data.py": "from app.db import SessionFactory, a, b\n",
        },
        "names-it-has",
    ),
    silent(
        "AC509",
        {
            "app/__init__.py": "",
            "app/db.py": ASYNC_DB,
            "scripts/initial_data.py": GUARDED_IMPORT,
        },
        "guarded",
    ),
    # 05: Alembic's env.py on a sync engine once the app is async
    fires("AC510", {"db.py": PG_DB, "migrations/env.py": ALEMBIC_ENV}, "engine-from-config"),
    silent(
        "AC510",
        {"db.py": PG_DB, "migrations/env.py": ALEMBIC_ENV, "requirements.txt": "asyncpg\npsycopg2-binary\n"},
        "sync-driver-still-installed",
    ),
    silent("AC510", {"db.py": ASYNC_DB, "migrations/env.py": ALEMBIC_ENV}, "sqlite"),
    silent("AC510", {"db.py": ASYNC_DB, "migrations/env.py": ASYNC_ALEMBIC_ENV}, "async-template"),
    silent(
        "AC510",
        {
            "db.py": "from sqlalchemy import create_engine\nengine = create_engine(URL)\n",
            "migrations/env.py": ALEMBIC_ENV,
        },
        "sync-app",
    ),
    # advice only where the source shows the problem (issue 21)
    silent(
        "AC401",
        {
            "models.py": MODELS,
            "crud.py": "from sqlalchemy.orm import joinedload\nOPTIONS = [joinedload(Post.author)]\n",
        },
        "eager-loaded-where-used",
    ),
    silent(
        "AC703",
        {"tests/test_app.py": "def test_x():\n    pass\n", "requirements-dev.txt": "pytest\npyleak\n"},
        "detector-in-requirements",
    ),
    silent(
        "AC703",
        {"tests/conftest.py": "import asyncio\nasyncio.get_event_loop().set_debug(True)\n"},
        "asyncio-debug-mode",
    ),
    # 07: single files cannot tell about tests (advice)
    fires("AC704", {"main.py": "app = None\n", CHECK: "main.py"}, "single-file"),
    silent("AC704", {"main.py": "app = None\n", "tests/test_app.py": "def test_x():\n    pass\n"}, "folder"),
]
