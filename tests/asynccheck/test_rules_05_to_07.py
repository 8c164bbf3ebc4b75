"""Each rule of stages 05 to 07 on a small app: a case where it fires, and one where it must stay silent."""

import pytest

from asynccheck import check
from asynccheck.codes import CODES
from early_cases import EARLY_CASES
from helpers import fires, silent, write_app
from new_cases import CHECK, NEW_CASES
from old_api_cases import OLD_API_CASES

SYNC_DB = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite:///./app.db")
    SessionLocal = sessionmaker(engine, expire_on_commit=False)

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()
"""
ASYNC_DB = """
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    async_engine = create_async_engine("sqlite+aiosqlite:///./app.db")
    AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)

    async def get_async_db():
        async with AsyncSessionLocal() as db:
            yield db
"""
SYNC_APP = (
    "from typing import Annotated\nfrom fastapi import Depends\nfrom sqlalchemy.orm import Session\n"
    "from db import SessionLocal, engine, get_db\n"
)
ASYNC_APP = (
    "from typing import Annotated\nfrom fastapi import Depends\nfrom sqlalchemy.ext.asyncio import "
    "AsyncSession\nfrom db import get_async_db\nDb = Annotated[AsyncSession, Depends(get_async_db)]\n"
)
SCHEMAS = """
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str

    class Owner(BaseModel):
        id: int
        items: list[Item] = []

    class Plain(BaseModel):
        id: int
        tags: list[str] = []
"""
MODELS = """
    from sqlalchemy.orm import relationship

    class Owner(Base):
        items = relationship("Item", lazy={lazy!r})
"""
REFRESH = (
    ASYNC_APP
    + """
import models, schemas
@app.post("/owners", response_model=schemas.{model})
async def create(db: Db):
    owner = models.Owner()
    db.add(owner)
    await db.commit()
    await db.refresh(owner{args})
    return owner
"""
)


def app(main: str, db: str = SYNC_DB, **more: str) -> dict[str, str]:
    return {"db.py": db, "main.py": main, **more}


def refresh(model="Owner", args="", lazy="raise"):
    return app(
        REFRESH.format(model=model, args=args),
        ASYNC_DB,
        **{"schemas.py": SCHEMAS, "models.py": MODELS.format(lazy=lazy)},
    )


ROUTE = '@app.get("/")\n'
TESTS = "tests/test_app.py"
CASES = [
    fires(
        "AC501",
        {"crud.py": "def get(db, id):\n    return db.query(User).filter(User.id == id).first()\n"},
        "query",
    ),
    silent("AC501", {"crud.py": 'DOC = "db.query(User) is legacy"\n'}, "in-a-string"),
    silent("AC501", {"main.py": "def f(request):\n    return request.query_params\n"}, "query-params"),
    fires(
        "AC502",
        app(SYNC_APP + ROUTE + "def r(db: Session = Depends(get_db)):\n    return db.get(X, 1)\n"),
        "param",
    ),
    fires(
        "AC502",
        app(SYNC_APP + "D = Annotated[Session, Depends(get_db)]\n" + ROUTE + "def r(db: D):\n    pass\n"),
        "alias",
    ),
    fires("AC502", app(SYNC_APP + ROUTE + "def r(db=Depends(get_db)):\n    pass\n"), "bare-depends"),
    fires(
        "AC502", app(SYNC_APP + ROUTE + "def r():\n    with SessionLocal() as db:\n        pass\n"), "opens"
    ),
    fires(
        "AC502",
        app(
            SYNC_APP
            + "def user(db: Session = Depends(get_db)):\n    pass\n"
            + ROUTE
            + "async def r(u=Depends(user)):\n    pass\n"
        ),
        "dependency",
    ),
    silent("AC502", app(SYNC_APP + ROUTE + "def r():\n    return {'ok': True}\n"), "no-database"),
    fires(
        "AC502",
        app(
            ASYNC_APP
            + "def repo(db: Db):\n    return db.get(X, 1)\n"
            + ROUTE
            + "async def r(x=Depends(repo)):\n    pass\n",
            ASYNC_DB,
        ),
        "def-dependency-calls-the-async-session",
    ),
    silent(
        "AC502",
        app(
            ASYNC_APP
            + "def repo(db: Db):\n    return Repo(db)\n"
            + ROUTE
            + "async def r(x=Depends(repo)):\n    pass\n",
            ASYNC_DB,
        ),
        "def-dependency-hands-the-async-session-on",
    ),
    silent(
        "AC502",
        app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    return await db.get(X, 1)\n", ASYNC_DB),
        "async",
    ),
    fires(
        "AC503", app(SYNC_APP + ROUTE + "async def r(db: Session = Depends(get_db)):\n    pass\n"), "param"
    ),
    fires(
        "AC503",
        app(SYNC_APP + "async def lifespan(app):\n    yield\n    engine.dispose()\n"),
        "global-engine",
    ),
    fires(
        "AC503",
        app(SYNC_APP + "async def job():\n    with SessionLocal() as db:\n        db.commit()\n"),
        "opens",
    ),
    silent(
        "AC503",
        app(SYNC_APP + ROUTE + "def r(db: Session = Depends(get_db)):\n    db.commit()\n"),
        "def-route",
    ),
    silent(
        "AC503",
        app(
            SYNC_APP + "from sqlalchemy.ext.asyncio import AsyncEngine\n"
            "async def reset(engine: AsyncEngine):\n    await engine.dispose()\n"
        ),
        "shadowed-by-parameter",
    ),
    fires("AC504", app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    db.commit()\n", ASYNC_DB), "commit"),
    fires(
        "AC504",
        app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    return db.scalars(q)\n", ASYNC_DB),
        "returned",
    ),
    silent(
        "AC504", app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    await db.commit()\n", ASYNC_DB), "awaited"
    ),
    silent(
        "AC504",
        app(
            ASYNC_APP + ROUTE + "async def r(db: Db):\n    async with db.begin():\n        db.add(x)\n",
            ASYNC_DB,
        ),
        "begin",
    ),
    fires("AC505", app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    await db.add(x)\n", ASYNC_DB), "add"),
    silent("AC505", app(ASYNC_APP + ROUTE + "async def r(db: Db):\n    db.add(x)\n", ASYNC_DB), "plain-add"),
    fires("AC506", refresh(), "collection"),
    silent("AC506", refresh(args=", attribute_names=['items']"), "attribute-names"),
    silent("AC506", refresh(lazy="selectin"), "eager-relationship"),
    silent("AC506", refresh(model="Plain"), "no-model-collection"),
    fires(
        "AC601",
        {"main.py": "@app.exception_handler(Exception)\ndef h(request, exc):\n    pass\n"},
        "decorated",
    ),
    fires(
        "AC601",
        {
            "handlers.py": "def h(request, exc):\n    pass\n",
            "main.py": "from handlers import h\napp.add_exception_handler(E, h)\n",
        },
        "registered-elsewhere",
    ),
    silent(
        "AC601",
        {"main.py": "@app.exception_handler(Exception)\nasync def h(request, exc):\n    pass\n"},
        "async",
    ),
    fires("AC602", {"main.py": "from fastapi.exceptions import HTTPExceptionHandler\n"}, "handler-class"),
    fires("AC602", {"main.py": "from fastapi.exceptions import RequestValidationException\n"}, "exception"),
    silent("AC602", {"main.py": "from fastapi.exceptions import RequestValidationError\n"}, "real-name"),
    fires(
        "AC603",
        {
            "main.py": "from fastapi.exception_handlers import http_exception_handler\n"
            "async def http_exception_handler(request, exc):\n"
            "    return await http_exception_handler(request, exc)\n"
        },
        "same-name",
    ),
    silent(
        "AC603",
        {
            "main.py": "from fastapi.exception_handlers import http_exception_handler as default\n"
            "async def http_exception_handler(request, exc):\n    return await default(request, exc)\n"
        },
        "imported-as-another-name",
    ),
    fires("AC701", {"main.py": "app = None\n"}, "no-tests"),
    silent("AC701", {"main.py": "app = None\n", TESTS: "def test_x():\n    pass\n"}, "tests"),
    fires("AC702", {TESTS: "from fastapi.testclient import TestClient\n"}, "testclient"),
    silent(
        "AC702",
        {
            TESTS: "from fastapi.testclient import TestClient\n"
            "import httpx\nc = httpx.AsyncClient(transport=t)\n"
        },
        "async-client-too",
    ),
    fires("AC703", {TESTS: "def test_x():\n    pass\n"}, "no-detector"),
    silent("AC703", {"tests/conftest.py": "from blockbuster import blockbuster_ctx\n"}, "blockbuster"),
]


@pytest.mark.parametrize(("code", "expected", "files"), CASES)
def test_rule(tmp_path, code, expected, files):
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    found = [finding.code for finding in report.findings]
    assert (code in found) == expected, report.findings


@pytest.mark.parametrize(("code", "expected", "files"), NEW_CASES)
def test_new_rule(tmp_path, code, expected, files):
    files = dict(files)
    only = files.pop(CHECK, None)
    root = write_app(tmp_path, files)
    report = check([str(root / only if only else root)])
    assert report.errors == []
    found = [finding.code for finding in report.findings]
    assert (code in found) == expected, report.findings


ALL_CASES = EARLY_CASES + OLD_API_CASES + CASES + NEW_CASES


def test_every_code_has_a_case_that_fires_it():
    fired = {case.values[0] for case in ALL_CASES if case.values[1]}
    assert fired == set(CODES)


def test_every_code_has_a_case_where_it_stays_silent():
    kept_silent = {case.values[0] for case in ALL_CASES if not case.values[1]}
    assert kept_silent == set(CODES)


def test_the_sync_engine_disposed_in_the_lifespan_waits_for_stage_05(tmp_path):
    """Stages 03 and 04 dispose of both engines in the lifespan: the finding says why it may stay until 05."""
    main = SYNC_APP + "async def lifespan(app):\n    yield\n    engine.dispose()\n"
    (finding,) = [f for f in check([str(write_app(tmp_path, app(main)))]).findings if f.code == "AC503"]
    assert finding.message == (
        "`engine.dispose()`: the sync engine's dispose() blocks the event loop at shutdown while it closes "
        "the pool's connections; it goes with the sync engine at stage 05, once no route uses a sync session"
    )


def test_single_files_cannot_tell_about_tests(tmp_path):
    main = write_app(tmp_path, {"main.py": "app = None\n"}) / "main.py"
    (finding,) = [f for f in check([str(main)]).findings if f.code == "AC704"]
    assert "cannot tell" in finding.message
