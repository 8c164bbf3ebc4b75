"""Every row of query_translation.py, run three ways: legacy Query, select() on a Session, on an AsyncSession.

For each row, each of the three expressions runs on freshly seeded tables in its own session. The result
(ORM objects as tuples of their column values, plus any relationship they have loaded) and the rows left in
the tables afterwards must be the same for all three. The database is DATABASE_URL (a SQLite file in a
temporary directory by default, or for example postgresql://postgres@127.0.0.1:5432/test); the async side
reaches the same database through aiosqlite or asyncpg, the sync side through sqlite3 or psycopg.
"""

import ast
import inspect as pyinspect
import os
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Engine,
    ForeignKey,
    String,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    make_url,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import LegacyAPIWarning, MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

import query_translation
from tools.sources import literal

# ROWS the way the guide's generator reads them (tools/sources.py): parsed with ast, never imported.
ROWS = literal("tests/recipes/query_translation.py", "ROWS")


def slug(task: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", task.lower()).strip("-")


# Tables of their own (qt_ prefix): other suites may share the PostgreSQL test database.
class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "qt_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    # lazy="raise", as in the async app: a row whose result needs a relationship must eager-load it.
    posts: Mapped[list["Post"]] = relationship(back_populates="author", lazy="raise", order_by="Post.id")


class Post(Base):
    __tablename__ = "qt_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("qt_users.id"))
    author: Mapped[User] = relationship(back_populates="posts", lazy="raise")


# Explicit ids (posts numbered apart from users), so every database returns the same values.
# carol has no posts: an eager load must give her an empty collection.
SEED = {
    User: [
        {"id": 1, "username": "alice", "email": "alice@example.com"},
        {"id": 2, "username": "bob", "email": "bob@example.com"},
        {"id": 3, "username": "carol", "email": "carol@example.com"},
    ],
    Post: [
        {"id": 11, "title": "Hello", "user_id": 1},
        {"id": 12, "title": "Async at last", "user_id": 1},
        {"id": 13, "title": "Bob writes", "user_id": 2},
        {"id": 14, "title": "Bob again", "user_id": 2},
    ],
}

# The names a row's expressions may use, besides the session `db`.
NAMES = {
    "User": User, "Post": Post, "select": select, "func": func, "update": update, "delete": delete,
    "exists": exists, "joinedload": joinedload, "selectinload": selectinload,
}  # fmt: skip

# Raised by .one() and friends: part of a row's result, compared like a value.
EXPECTED_ERRORS = (NoResultFound, MultipleResultsFound)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def enforce_foreign_keys(dbapi_connection, connection_record) -> None:
    # As in the stages: SQLite checks foreign keys only when asked, PostgreSQL always does.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    # aiosqlite and asyncpg run on asyncio (one backend, so the test ids are the row slugs alone).
    return "asyncio"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    # PostgreSQL when DATABASE_URL names it; otherwise a SQLite file of our own, which the sync and the async
    # engine both reach (an in-memory database would be a different, empty one for each connection).
    url = os.environ.get("DATABASE_URL", "")
    if url and make_url(url).get_backend_name() == "postgresql":
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('query-translation') / 'test.db'}"


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    """The sync engine (postgresql:// means psycopg in SQLAlchemy 2.1); creates the tables, drops them."""
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", enforce_foreign_keys)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def seed(engine: Engine) -> None:
    """Fresh tables for every side of every row."""
    with engine.begin() as connection:
        for model in reversed(SEED):
            connection.execute(delete(model))
        for model, rows in SEED.items():
            connection.execute(insert(model), rows)


def normalize(value: Any, relationships: bool = True) -> Any:
    """A comparable form of a result: ORM objects as tuples, rows tagged as rows, lists as lists."""
    if isinstance(value, Base):
        state = inspect(value)
        columns = tuple(getattr(value, attr.key) for attr in state.mapper.column_attrs)
        loaded = [
            (rel.key, normalize(getattr(value, rel.key), relationships=False))
            for rel in state.mapper.relationships
            if relationships and rel.key not in state.unloaded
        ]
        return (type(value).__name__, *columns, *loaded)
    if isinstance(value, Row):
        return ("Row", *(normalize(item) for item in value))
    if isinstance(value, list | tuple):
        return [normalize(item, relationships) for item in value]
    if isinstance(value, BaseException):
        return ("raises", type(value).__name__)
    return value


TABLE_DUMP = [select(model.__table__).order_by(model.__table__.c.id) for model in SEED]


def expression_globals(db: Session | AsyncSession) -> dict[str, Any]:
    # No builtins: an expression uses the session, the models and the SQLAlchemy names above, nothing else.
    return {"__builtins__": {}, "db": db, **NAMES}


def run_sync(engine: Engine, expression: str, legacy: bool) -> tuple[Any, Any, list[str]]:
    """The result, the tables afterwards, and the warnings the legacy column gave."""
    seed(engine)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        if legacy:
            # The legacy column is legacy on purpose: Query.get() warns that it is (LegacyAPIWarning).
            # Only there, and only that warning, is recorded instead of raised; any other warning, and every
            # warning in the 2.0 columns, is an error.
            warnings.filterwarnings("always", category=LegacyAPIWarning)
        with Session(engine) as db:
            try:
                result = eval(expression, expression_globals(db))
            except EXPECTED_ERRORS as error:
                result = error
            tables = [[tuple(row) for row in db.execute(dump)] for dump in TABLE_DUMP]
    # After close(): what the caller gets must be usable outside the session, without lazy loads.
    return normalize(result), tables, [warning.category.__name__ for warning in caught]


async def run_async(database_url: str, expression: str) -> tuple[Any, Any, list[str]]:
    url = make_url(database_url)
    engine = create_async_engine(url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()]))
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", enforce_foreign_keys)
    code = compile(expression, "<async>", "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    assert code.co_flags & pyinspect.CO_COROUTINE, "an async expression awaits the session"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            async with AsyncSession(engine) as db:
                try:
                    result = await eval(code, expression_globals(db))
                except EXPECTED_ERRORS as error:
                    result = error
                tables = [[tuple(row) for row in await db.execute(dump)] for dump in TABLE_DUMP]
            return normalize(result), tables, []
    finally:
        await engine.dispose()


@pytest.mark.anyio
@pytest.mark.parametrize("row", ROWS, ids=[slug(row["task"]) for row in ROWS])
async def test_row(row: dict[str, str], engine: Engine, database_url: str) -> None:
    *legacy, legacy_warnings = run_sync(engine, row["legacy"], legacy=True)
    *sync, _ = run_sync(engine, row["sync"], legacy=False)
    seed(engine)
    *asynchronous, _ = await run_async(database_url, row["async"])
    assert sync == legacy, f"2.0 on a Session differs from the legacy Query: {row['sync']}"
    assert asynchronous == legacy, f"2.0 on an AsyncSession differs from the legacy Query: {row['async']}"
    # True is 1 to ==: compare the types too.
    assert repr(sync) == repr(legacy) == repr(asynchronous)
    # The note names the warning a legacy call gives (Query.get()), and only such a row gives one.
    assert legacy_warnings == (["LegacyAPIWarning"] if "LegacyAPIWarning" in row["note"] else [])


# Every legacy method the table must translate (issue 9), and the loader option that needs one.
REQUIRED_LEGACY = {
    "filter", "first", "filter_by", "all", "offset", "limit", "count", "get", "one", "one_or_none",
    "order_by", "join", "options", "update", "delete", "scalar", "exists", "joinedload",
}  # fmt: skip


def called_names(expression: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(expression, mode="eval")):
        if isinstance(node, ast.Call):
            called = node.func
            names.add(called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", ""))
    return names


def test_rows_cover_the_legacy_api() -> None:
    covered = set().union(*(called_names(row["legacy"]) for row in ROWS))
    assert REQUIRED_LEGACY <= covered, f"no row translates: {sorted(REQUIRED_LEGACY - covered)}"
    # .scalar() on a column, and .exists() wrapped in a query, as legacy code writes them.
    assert any(re.match(r"db\.query\(User\.\w+\).*\.scalar\(\)$", row["legacy"]) for row in ROWS)
    assert any(row["legacy"].startswith("db.query(db.query(") for row in ROWS)


def strip_await(expression: str) -> str:
    class StripAwait(ast.NodeTransformer):
        def visit_Await(self, node: ast.Await) -> ast.AST:
            return self.visit(node.value)

    return ast.unparse(StripAwait().visit(ast.parse(expression, mode="eval")))


@pytest.mark.parametrize("row", ROWS, ids=[slug(row["task"]) for row in ROWS])
def test_row_shape(row: dict[str, str]) -> None:
    """The 2.0 columns use no Query, and the async one is the sync one plus await."""
    assert "db.query(" in row["legacy"]
    assert ".query(" not in row["sync"] + row["async"]
    assert "await " in row["async"]
    assert strip_await(row["async"]) == ast.unparse(ast.parse(row["sync"], mode="eval"))


def test_rows_are_a_literal() -> None:
    """The generator's way (ast.literal_eval) gives exactly what the module holds, in the agreed shape."""
    assert query_translation.__doc__, "query_translation.py says what it is"
    assert query_translation.ROWS == ROWS
    for row in ROWS:
        assert list(row) == ["task", "legacy", "sync", "async", "note"]
        assert all(isinstance(value, str) for value in row.values())
        assert all(row[key].strip() for key in ("task", "legacy", "sync", "async"))
        # One table line each: code cells are put in backticks, task and note are Markdown as they stand.
        assert "\n" not in "".join(row.values())
        assert "`" not in row["legacy"] + row["sync"] + row["async"]
        assert "|" not in row["task"] + row["note"]
    slugs = [slug(row["task"]) for row in ROWS]
    assert len(set(slugs)) == len(slugs), "task names give unique test ids"
