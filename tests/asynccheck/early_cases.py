"""The rule cases of stages 01 to 04 as data: a code, a small app, and whether the code must fire.

test_rules_00_to_04.py runs them; test_rules_05_to_07.py reads them too, to check that every code has a
case that fires it and one where it stays silent.
"""

from helpers import fires, silent

ENGINE = "from sqlalchemy import create_engine\nengine = create_engine('sqlite:///./app.db')\n"
ASYNC_ENGINE = (
    "from sqlalchemy.ext.asyncio import create_async_engine\n"
    "async_engine = create_async_engine('sqlite+aiosqlite:///./app.db')\n"
)
MODELS = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        posts: Mapped[list["Post"]] = relationship(back_populates="author"{lazy})

    class Post(Base):
        __tablename__ = "posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        author: Mapped[User] = relationship(back_populates="posts", lazy="raise")
"""
UV_LOCK = """
    [[package]]
    name = "sqlalchemy"
    version = "2.1.9"

    [[package]]
    name = "greenlet"
    version = "3.2.4"
"""
REQUIREMENTS = "fastapi\nsqlalchemy[asyncio]\naiosqlite\n"
# A route that reads an object after the commit expired it: what expire_on_commit=False (AC203) is for.
READ_AFTER_COMMIT = """
    async def create(db, name):
        user = User(name=name)
        db.add(user)
        await db.commit()
        return user.id
"""
REFRESHED = READ_AFTER_COMMIT.replace(
    "        return user.id", "        await db.refresh(user)\n        return user.id"
)

EARLY_CASES = [
    # 00: before you start
    fires("AC001", {"crud.py": "from sqlalchemy.future import select\n"}, "future-select"),
    silent("AC001", {"crud.py": "from sqlalchemy import select\n"}, "select-from-sqlalchemy"),
    fires("AC002", {"db.py": "from sqlalchemy.ext.declarative import declarative_base\n"}, "ext-declarative"),
    silent("AC002", {"db.py": "from sqlalchemy.orm import DeclarativeBase\n"}, "declarative-base-class"),
    fires(
        "AC003", {"main.py": 'r = templates.TemplateResponse("i.html", {"request": request})\n'}, "name-first"
    ),
    fires(
        "AC003", {"main.py": 'r = templates.TemplateResponse(name, {"request": request})\n'}, "dict-second"
    ),
    silent(
        "AC003", {"main.py": 'r = templates.TemplateResponse(request, "i.html", {"n": 1})\n'}, "request-first"
    ),
    # 01: drivers and greenlet
    fires("AC101", {"requirements.txt": "sqlalchemy[asyncio]\n", "db.py": ENGINE}, "sqlite-no-aiosqlite"),
    silent("AC101", {"requirements.txt": REQUIREMENTS, "db.py": ENGINE}, "sqlite-aiosqlite"),
    silent("AC101", {"requirements.txt": "sqlalchemy[aiosqlite]\n", "db.py": ENGINE}, "driver-extra"),
    fires(
        "AC101",
        {"requirements.txt": "sqlalchemy[asyncio]\npsycopg2\n", "db.py": "URL = 'postgresql://u@h/db'\n"},
        "postgresql-psycopg2",
    ),
    silent(
        "AC101",
        {
            "requirements.txt": "sqlalchemy[asyncio]\npsycopg[binary]\n",
            "db.py": "URL = 'postgresql://u@h/db'\n",
        },
        "postgresql-psycopg3",
    ),
    fires("AC101", {"requirements.txt": "sqlalchemy[asyncio]\n", "db.py": "import os\n"}, "no-url-no-driver"),
    silent(
        "AC101",
        {"requirements.txt": "sqlalchemy[asyncio]\nasyncpg\n", "db.py": "import os\n"},
        "no-url-asyncpg",
    ),
    fires(
        "AC102", {"requirements.txt": "sqlalchemy==2.1.9\naiosqlite\n", "db.py": ENGINE}, "plain-sqlalchemy"
    ),
    silent(
        "AC102",
        {"requirements.txt": "sqlalchemy==2.0.44\naiosqlite\n", "db.py": ENGINE},
        "sqlalchemy-2.0-brings-greenlet",
    ),
    silent(
        "AC102",
        {
            "pyproject.toml": "[project]\ndependencies = ['sqlalchemy>=2.1', 'aiosqlite']\n",
            "uv.lock": UV_LOCK,
            "db.py": ENGINE,
        },
        "greenlet-in-uv-lock",
    ),
    fires(
        "AC102",
        {"pyproject.toml": "[project]\ndependencies = ['sqlalchemy>=2.1', 'aiosqlite']\n", "db.py": ENGINE},
        "sqlalchemy-2.1",
    ),
    silent("AC102", {"requirements.txt": "sqlalchemy\ngreenlet\naiosqlite\n", "db.py": ENGINE}, "greenlet"),
    silent(
        "AC102", {"requirements.txt": "-r base.txt\n", "base.txt": REQUIREMENTS, "db.py": ENGINE}, "included"
    ),
    fires(
        "AC102",
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["sqlalchemy", "aiosqlite"]\n',
            "db.py": ENGINE,
        },
        "pyproject",
    ),
    silent(
        "AC102",
        {
            "pyproject.toml": "[tool.poetry.dependencies]\n"
            'sqlalchemy = {version = "*", extras = ["asyncio"]}\n',
            "db.py": ENGINE,
        },
        "poetry-extras",
    ),
    silent(
        "AC102",
        {
            "setup.cfg": "[options]\ninstall_requires =\n    sqlalchemy[asyncio]\n    aiosqlite\n",
            "db.py": ENGINE,
        },
        "setup-cfg",
    ),
    fires("AC103", {"db.py": ENGINE}, "no-requirements"),
    silent("AC103", {"requirements.txt": REQUIREMENTS, "db.py": ENGINE}, "requirements"),
    # 02: an async database layer
    fires("AC201", {"db.py": ENGINE}, "sync-engine-only"),
    silent("AC201", {"db.py": ENGINE, "async_db.py": ASYNC_ENGINE}, "async-engine-elsewhere"),
    fires(
        "AC202",
        {
            "db.py": ASYNC_ENGINE
            + "from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import "
            "sessionmaker\nS = sessionmaker(async_engine, class_=AsyncSession, expire_on_commit=False)\n"
        },
        "class-async-session",
    ),
    silent(
        "AC202",
        {
            "db.py": ASYNC_ENGINE + "from sqlalchemy.ext.asyncio import async_sessionmaker\n"
            "S = async_sessionmaker(async_engine, expire_on_commit=False)\n"
        },
        "async-sessionmaker",
    ),
    fires(
        "AC203",
        {
            "db.py": ENGINE + "from sqlalchemy.orm import sessionmaker\n"
            "SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)\n",
            "crud.py": READ_AFTER_COMMIT,
        },
        "tutorial-factory",
    ),
    silent(
        "AC203",
        {
            "db.py": ENGINE + "from sqlalchemy.orm import sessionmaker\n"
            "SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)\n",
            "crud.py": REFRESHED,
        },
        "no-read-after-commit",
    ),
    fires(
        "AC203",
        {
            "db.py": ASYNC_ENGINE + "from sqlalchemy.ext.asyncio import async_sessionmaker\n"
            "S = async_sessionmaker(async_engine, expire_on_commit=True)\n",
            "crud.py": READ_AFTER_COMMIT,
        },
        "async-factory-true",
    ),
    silent(
        "AC203",
        {
            "db.py": ENGINE + "from sqlalchemy.orm import sessionmaker\n"
            "SessionLocal = sessionmaker(engine, expire_on_commit=False)\n"
        },
        "expire-false",
    ),
    silent(
        "AC203",
        {"db.py": "from sqlalchemy.orm import sessionmaker\nS = sessionmaker(**OPTIONS)\n"},
        "options",
    ),
    fires(
        "AC204",
        {
            "db.py": "from sqlalchemy.ext.asyncio import async_sessionmaker\n"
            "S = async_sessionmaker(expire_on_commit=False)\n"
        },
        "no-engine",
    ),
    silent(
        "AC204",
        {
            "db.py": ENGINE + "from sqlalchemy.orm import sessionmaker\n"
            "S = sessionmaker(expire_on_commit=False)\nS.configure(bind=engine)\n"
        },
        "configured-later",
    ),
    # 03: a lifespan
    fires(
        "AC301",
        {"main.py": "from db import Base, engine\nBase.metadata.create_all(bind=engine)\n"},
        "import-time",
    ),
    silent(
        "AC301",
        {
            "main.py": """
            from db import Base, async_engine

            async def lifespan(app):
                async with async_engine.begin() as conn:
                    await conn.run_sync(Base.metadata.create_all)
                yield
        """
        },
        "lifespan-run-sync",
    ),
    silent(
        "AC301",
        {
            "main.py": "from db import Base, engine\n"
            "if __name__ == '__main__':\n    Base.metadata.create_all(engine)\n"
        },
        "main-guard",
    ),
    fires("AC302", {"main.py": "@app.on_event('startup')\nasync def start():\n    pass\n"}, "on-event"),
    fires(
        "AC302", {"main.py": "from fastapi import FastAPI\napp = FastAPI(on_startup=[start])\n"}, "on-startup"
    ),
    silent(
        "AC302", {"main.py": "from fastapi import FastAPI\napp = FastAPI(lifespan=lifespan)\n"}, "lifespan"
    ),
    # 04: eager loading and lazy="raise"
    fires("AC401", {"models.py": MODELS.format(lazy="")}, "no-lazy"),
    fires("AC401", {"models.py": MODELS.format(lazy=', lazy="select"')}, "lazy-select"),
    silent("AC401", {"models.py": MODELS.format(lazy=', lazy="raise"')}, "lazy-raise"),
    silent("AC401", {"models.py": MODELS.format(lazy=', lazy="selectin"')}, "lazy-selectin"),
    fires("AC402", {"models.py": MODELS.format(lazy=', lazy="dynamic"')}, "dynamic"),
    silent("AC402", {"models.py": MODELS.format(lazy=', lazy="write_only"')}, "write-only"),
    fires(
        "AC403",
        {
            "models.py": "from sqlalchemy.orm import relationship\n"
            "posts = relationship('Post', backref='author', lazy='raise')\n"
        },
        "backref-string",
    ),
    silent(
        "AC403",
        {
            "models.py": "from sqlalchemy.orm import backref, relationship\n"
            "posts = relationship('Post', backref=backref('author', lazy='raise'), lazy='raise')\n"
        },
        "backref-raise",
    ),
]
