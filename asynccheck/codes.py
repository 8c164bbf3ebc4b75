"""The stages of the migration and the codes of the findings, each tied to the guide section that fixes it.

A code is `AC<stage><nn>`: its first digit is the stage whose step removes the finding. Stage 0 is "before
you start": code that breaks the synchronous baseline itself on today's libraries.
"""

from dataclasses import dataclass
from typing import NamedTuple

GUIDE = "MIGRATION.md"
# A finding is an error (the app is wrong, or will fail once it runs async) or advice (a better practice, or
# something the checker cannot judge from the source). The stage verdict counts errors only.
ERROR, ADVICE = "error", "advice"


@dataclass(frozen=True)
class Stage:
    number: int
    title: str  # MIGRATION.md's heading for the stage, after "Stage NN: "
    section: str  # the anchor of that heading

    @property
    def label(self) -> str:
        return f"{self.number:02d}"


STAGES = (
    Stage(0, "the synchronous baseline", "stage-00-the-synchronous-baseline"),
    Stage(1, "install the async drivers", "stage-01-install-the-async-drivers"),
    Stage(2, "an async database layer next to the sync one", "stage-02-an-async-database-layer"),
    Stage(3, "a lifespan instead of import-time work", "stage-03-a-lifespan-instead-of-import-time-work"),
    Stage(4, 'eager loading, and `lazy="raise"` for everything else', "stage-04-eager-loading-and-lazyraise"),
    Stage(5, "async routes on an `AsyncSession`", "stage-05-async-routes"),
    Stage(6, "async exception handlers", "stage-06-async-exception-handlers"),
    Stage(7, "testing the async app", "stage-07-testing-the-async-app"),
)

MISTAKES = "mistakes-in-the-tutorial"
EXPIRE_ON_COMMIT = "expire-on-commit"
REFRESH = "refresh-and-collections"
LEGACY_QUERIES = "rewrite-legacy-queries"
WHAT_TO_AWAIT = "what-to-await"
CRUD_LAYER = "crud-layer"
JOINEDLOAD = "joinedload-or-selectinload"
YOUR_OWN_TESTS = "your-own-tests"


def _section(stage: int) -> str:
    return STAGES[stage].section


class Code(NamedTuple):
    anchor: str  # the anchor in MIGRATION.md
    summary: str  # what the code is about
    severity: str = ERROR


# code -> Code(the anchor in MIGRATION.md, what the code is about, its severity)
CODES = {
    "AC001": Code(MISTAKES, "sqlalchemy.future import", ADVICE),
    "AC002": Code(
        MISTAKES, "declarative_base (or as_declarative, ...) from sqlalchemy.ext.declarative", ADVICE
    ),
    "AC003": Code(MISTAKES, "TemplateResponse with the template name first", ADVICE),
    "AC004": Code(
        _section(0), "Pydantic 1's dict(), json(), copy(), parse_obj(), from_orm() on a model", ADVICE
    ),
    "AC005": Code(LEGACY_QUERIES, "Query.get(), which warns LegacyAPIWarning", ADVICE),
    "AC006": Code(_section(0), "a Pydantic model configured by a class Config", ADVICE),
    "AC007": Code(
        _section(0),
        "a deprecated Pydantic 1 name imported from pydantic (validator, root_validator, ...)",
        ADVICE,
    ),
    "AC008": Code(_section(0), "BaseSettings imported from pydantic (PydanticImportError in Pydantic 2)"),
    "AC101": Code(_section(1), "no async database driver in the requirements"),
    "AC102": Code(_section(1), "no greenlet (sqlalchemy[asyncio]) in the requirements"),
    "AC103": Code(_section(1), "no requirements found: the drivers cannot be checked", ADVICE),
    "AC201": Code(_section(2), "a sync engine and no async engine"),
    "AC202": Code(_section(2), "sessionmaker for AsyncSession instead of async_sessionmaker", ADVICE),
    "AC203": Code(EXPIRE_ON_COMMIT, "a session factory without expire_on_commit=False", ADVICE),
    "AC204": Code(_section(2), "a session factory without an engine"),
    "AC205": Code(
        _section(2), "async_sessionmaker without SQLModel's AsyncSession, whose sessions call exec()"
    ),
    "AC301": Code(_section(3), "metadata.create_all() at import time"),
    "AC302": Code(_section(3), "on_event / startup and shutdown handlers instead of a lifespan", ADVICE),
    "AC303": Code(_section(3), "an async engine and an app without a lifespan that disposes it", ADVICE),
    "AC401": Code(_section(4), "relationship() that loads lazily", ADVICE),
    "AC402": Code(_section(4), 'relationship(lazy="dynamic")'),
    "AC403": Code(_section(4), "backref that loads lazily", ADVICE),
    "AC404": Code(JOINEDLOAD, "a lazy relationship the response reads, selected without an eager load"),
    "AC501": Code(LEGACY_QUERIES, "the legacy Query API"),
    "AC502": Code(_section(5), "a def route or dependency on a session"),
    "AC503": Code(_section(5), "a sync session or engine inside async def"),
    "AC504": Code(WHAT_TO_AWAIT, "an AsyncSession call that is not awaited"),
    "AC505": Code(WHAT_TO_AWAIT, "await on a plain AsyncSession method"),
    "AC506": Code(REFRESH, "refresh() of an object whose response model reads a collection"),
    "AC507": Code(
        _section(5), "a blocking call inside async def, directly or through the app's own functions"
    ),
    "AC508": Code(CRUD_LAYER, "a call to the app's own coroutine function that is not awaited"),
    "AC509": Code(_section(5), "an import of a name the project's module does not have (ImportError)"),
    "AC510": Code(_section(5), "Alembic's env.py on a sync engine in an app that is async"),
    "AC601": Code(_section(6), "an exception handler defined with def"),
    "AC602": Code(MISTAKES, "an import of a name FastAPI does not have"),
    "AC603": Code(MISTAKES, "a handler named like FastAPI's own, which it then calls"),
    "AC701": Code(_section(7), "no test suite"),
    "AC702": Code(YOUR_OWN_TESTS, "tests that drive the app only through TestClient", ADVICE),
    "AC703": Code(YOUR_OWN_TESTS, "no blocking-call detector in the tests", ADVICE),
    "AC704": Code(_section(7), "single files given: whether the app has tests cannot be told", ADVICE),
}


def stage_of(code: str) -> int:
    return int(code[2])


def severity(code: str) -> str:
    return CODES[code].severity


def guide(code: str) -> str:
    """Where the guide explains the fix, as printed after `->`."""
    return f"{GUIDE}#{CODES[code][0]}"
