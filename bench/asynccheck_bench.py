"""How fast asynccheck checks a large app: a generated tree of 2,000 modules (models, crud, routes).

    python -m bench.asynccheck_bench [--modules 2000] [--keep DIR]    (or `nox -s bench_check`)

Prints files per second and total seconds, in process through asynccheck.check() and once through the
command line. The target is the whole tree in under 5 seconds, both ways. It is a measurement, not a test: a
missed target is printed (MISSED), and the exit status is 1 only when the command itself fails.
"""

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from asynccheck import check

TARGET = 5  # seconds, for the whole tree, in process and through the command line

DATABASE = """\
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

engine = create_engine("sqlite:///./bench.db")
SessionLocal = sessionmaker(engine, expire_on_commit=False)
async_engine = create_async_engine("sqlite+aiosqlite:///./bench.db")
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db
"""
HEADERS = {
    "models": "from datetime import datetime\n\nfrom sqlalchemy import ForeignKey, String, Text\n"
    "from sqlalchemy.orm import Mapped, mapped_column, relationship\n\nfrom app.database import Base\n",
    "crud": "from sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import Session, selectinload\n\nfrom app import models{n}\n",
    "routes": "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends, HTTPException\n"
    "from pydantic import BaseModel, ConfigDict\nfrom sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import Session\n\n"
    "from app import crud{n}\nfrom app.database import get_async_db, get_db\n\nrouter = APIRouter()\n"
    "DbSession = Annotated[AsyncSession, Depends(get_async_db)]\n",
}
BLOCKS = {
    "models": """

class {Name}(Base):
    \"\"\"A {name} of the generated app.\"\"\"

    __tablename__ = "{name}s"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=datetime.now)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))
    owner: Mapped["Owner"] = relationship(back_populates="{name}s", lazy="{lazy}")

    @property
    def summary(self) -> str:
        return self.body[:80]
""",
    "crud": """

def get_{name}(db: Session, {name}_id: int):
    return db.query(models{n}.{Name}).filter(models{n}.{Name}.id == {name}_id).first()


async def list_{name}s(db: AsyncSession, skip: int = 0, limit: int = 100):
    query = select(models{n}.{Name}).options(selectinload(models{n}.{Name}.owner)).offset(skip).limit(limit)
    return (await db.scalars(query)).all()


async def create_{name}(db: AsyncSession, title: str, body: str, owner_id: int):
    {name} = models{n}.{Name}(title=title, body=body, owner_id=owner_id)
    db.add({name})
    await db.commit()
    return {name}


async def update_{name}(db: AsyncSession, {name}_id: int, values: dict):
    {name} = await db.get(models{n}.{Name}, {name}_id)
    for key, value in values.items():
        setattr({name}, key, value)
    await db.commit()
    return {name}
""",
    "routes": """

class {Name}Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str


@router.get("/{name}s", response_model=list[{Name}Out])
async def read_{name}s(db: DbSession, skip: int = 0, limit: int = 100):
    return await crud{n}.list_{name}s(db, skip=skip, limit=limit)


@router.get("/{name}s/{{item_id}}", response_model={Name}Out)
def read_{name}(item_id: int, db: Session = Depends(get_db)):
    {name} = crud{n}.get_{name}(db, item_id)
    if {name} is None:
        raise HTTPException(status_code=404, detail="{Name} not found")
    return {name}


@router.post("/{name}s", response_model={Name}Out, status_code=201)
async def create_{name}(title: str, body: str, owner_id: int, db: DbSession):
    {name} = await crud{n}.create_{name}(db, title, body, owner_id)
    await db.commit()
    return {name}


@router.patch("/{name}s/{{item_id}}", response_model={Name}Out)
async def patch_{name}(item_id: int, changes: {Name}Out, db: DbSession):
    return await crud{n}.update_{name}(db, item_id, changes.dict(exclude_unset=True))
""",
}


def module(kind: str, number: int, lines: int, rng: random.Random) -> str:
    n = number // 3
    parts = [HEADERS[kind].format(n=n)]
    block = 0
    while sum(part.count("\n") for part in parts) < lines:
        name = f"thing{n}x{block}"
        lazy = rng.choice(["raise", "selectin", "select"])
        parts.append(BLOCKS[kind].format(name=name, Name=name.capitalize(), n=n, lazy=lazy))
        block += 1
    return "".join(parts)


def generate(root: Path, count: int, seed: int = 10) -> int:
    """Write count modules under root/app; return the number of lines written."""
    rng = random.Random(seed)
    app = root / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "database.py").write_text(DATABASE)
    (root / "requirements.txt").write_text("fastapi\nsqlalchemy[asyncio]\naiosqlite\n")
    total = DATABASE.count("\n")
    for number in range(count - 2):
        kind = ("models", "crud", "routes")[number % 3]
        text = module(kind, number, rng.randint(100, 300), rng)
        (app / f"{kind}{number // 3}.py").write_text(text)
        total += text.count("\n")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="asynccheck-bench-") as temporary:
        root = args.keep or Path(temporary)
        lines = generate(root, args.modules)
        print(f"generated {args.modules} modules, {lines:,} lines, in {root}")

        start = time.perf_counter()
        report = check([str(root)])
        seconds = time.perf_counter() - start
        assert not report.errors, report.errors
        print(f"in process: {report.checked} files, {len(report.findings):,} findings")
        print(f"in process: {seconds:.2f} s, {report.checked / seconds:,.0f} files/s")

        start = time.perf_counter()
        command = [sys.executable, "-m", "asynccheck", "--format", "json", str(root)]
        result = subprocess.run(command, capture_output=True, check=False)
        seconds_cli = time.perf_counter() - start
        rate = report.checked / seconds_cli
        print(f"command line: {seconds_cli:.2f} s (exit {result.returncode}), {rate:,.0f} files/s")
    if result.returncode not in (0, 1):
        print(f"command line failed:\n{result.stderr.decode(errors='replace')}")
        return 1
    worst = max(seconds, seconds_cli)
    met = worst < TARGET
    print(f"target: the whole tree in under {TARGET} s: {'met' if met else 'MISSED'} ({worst:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
