"""The stages of the migration and the codes of the findings, each tied to the guide section that fixes it.

A code is `AC<stage><nn>`: its first digit is the stage whose step removes the finding. Stage 0 is "before
you start": code that breaks the synchronous baseline itself on today's libraries.
"""

from dataclasses import dataclass
from typing import NamedTuple

# The page every finding points to (`-> GUIDE#ac502`): one anchor per code, generated from CODES by
# `nox -s docs`, each linking the page that explains the fix.
GUIDE = "docs/reference/asynccheck.md"

STEPS = "docs/steps/"  # one page per stage
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
    Stage(0, "the synchronous baseline", STEPS + "00-sync-baseline.md#stage-00-the-synchronous-baseline"),
    Stage(1, "install the async drivers", STEPS + "01-install-drivers.md#stage-01-install-the-async-drivers"),
    Stage(
        2,
        "an async database layer next to the sync one",
        STEPS + "02-async-database.md#stage-02-an-async-database-layer",
    ),
    Stage(
        3,
        "a lifespan instead of import-time work",
        STEPS + "03-lifespan.md#stage-03-a-lifespan-instead-of-import-time-work",
    ),
    Stage(
        4,
        'eager loading, and `lazy="raise"` for everything else',
        STEPS + "04-eager-loading.md#stage-04-eager-loading-and-lazyraise",
    ),
    Stage(5, "async routes on an `AsyncSession`", STEPS + "05-async-routes.md#stage-05-async-routes"),
    Stage(
        6, "async exception handlers", STEPS + "06-exception-handlers.md#stage-06-async-exception-handlers"
    ),
    Stage(7, "testing the async app", STEPS + "07-testing.md#stage-07-testing-the-async-app"),
)

# Where the guide explains a fix: a page (relative to the repository) and, maybe, an anchor on it.
MISTAKES = "docs/reference/errata.md#mistakes-in-the-tutorial"
BEFORE_YOU_START = "docs/your-app/converting.md#before-the-first-step"
BEFORE_STAGE_00 = "docs/your-app/before-stage-00.md"
EXPIRE_ON_COMMIT = "docs/your-app/recipes/expire-on-commit.md#expire-on-commit"
REFRESH = "docs/your-app/recipes/refresh-and-collections.md#refresh-and-collections"
LEGACY_QUERIES = "docs/your-app/recipes/legacy-queries.md#rewrite-legacy-queries"
WHAT_TO_AWAIT = STEPS + "05-async-routes.md#what-to-await"
CRUD_LAYER = "docs/your-app/crud-classes.md"
JOINEDLOAD = STEPS + "04-eager-loading.md#joinedload-or-selectinload"
YOUR_OWN_TESTS = "docs/your-app/your-tests.md#your-own-tests"
BLOCKING_WORK = "docs/your-app/blocking-work.md"
STARTUP_SCRIPTS = "docs/your-app/startup-scripts.md"
ALEMBIC = "docs/your-app/alembic.md"
SQLMODEL = "docs/your-app/sqlmodel.md"


def _section(stage: int) -> str:
    return STAGES[stage].section


class Code(NamedTuple):
    anchor: str  # the page (and anchor) of the guide that explains the fix
    summary: str  # what the code is about
    severity: str = ERROR


# code -> Code(the page that explains the fix, what the code is about, its severity)
CODES = {
    "AC001": Code(MISTAKES, "sqlalchemy.future import", ADVICE),
    "AC002": Code(
        MISTAKES, "declarative_base (or as_declarative, ...) from sqlalchemy.ext.declarative", ADVICE
    ),
    "AC003": Code(MISTAKES, "TemplateResponse with the template name first", ADVICE),
    "AC004": Code(
        BEFORE_YOU_START, "Pydantic 1's dict(), json(), copy(), parse_obj(), from_orm() on a model", ADVICE
    ),
    "AC005": Code(LEGACY_QUERIES, "Query.get(), which warns LegacyAPIWarning", ADVICE),
    "AC006": Code(BEFORE_YOU_START, "a Pydantic model configured by a class Config", ADVICE),
    "AC007": Code(
        BEFORE_YOU_START,
        "a deprecated Pydantic 1 name imported from pydantic (validator, root_validator, ...)",
        ADVICE,
    ),
    "AC008": Code(BEFORE_STAGE_00, "BaseSettings imported from pydantic (PydanticImportError in Pydantic 2)"),
    "AC101": Code(_section(1), "no async database driver in the requirements"),
    "AC102": Code(_section(1), "no greenlet (sqlalchemy[asyncio]) in the requirements"),
    "AC103": Code(_section(1), "no requirements found: the drivers cannot be checked", ADVICE),
    "AC201": Code(_section(2), "a sync engine and no async engine"),
    "AC202": Code(_section(2), "sessionmaker for AsyncSession instead of async_sessionmaker", ADVICE),
    "AC203": Code(EXPIRE_ON_COMMIT, "a session factory without expire_on_commit=False", ADVICE),
    "AC204": Code(_section(2), "a session factory without an engine"),
    "AC205": Code(
        SQLMODEL, "async_sessionmaker without SQLModel's AsyncSession, whose sessions call exec()"
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
        BLOCKING_WORK, "a blocking call inside async def, directly or through the app's own functions"
    ),
    "AC508": Code(CRUD_LAYER, "a call to the app's own coroutine function that is not awaited"),
    "AC509": Code(STARTUP_SCRIPTS, "an import of a name the project's module does not have (ImportError)"),
    "AC510": Code(ALEMBIC, "Alembic's env.py on a sync engine in an app that is async"),
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
    """The code's entry in the guide's reference page, as printed after `->`."""
    CODES[code]  # an unknown code is a KeyError, not a link to nowhere
    return f"{GUIDE}#{code.lower()}"
