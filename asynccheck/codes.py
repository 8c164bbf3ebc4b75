"""The stages of the migration and the codes of the findings, each tied to the guide section that fixes it.

A code is `AC<stage><nn>`: its first digit is the stage whose step removes the finding. Stage 0 is "before
you start": code that breaks the synchronous baseline itself on today's libraries.
"""

from dataclasses import dataclass

# The page every finding points to (`-> GUIDE#ac502`): one anchor per code, generated from CODES by
# `nox -s docs`, each linking the page that explains the fix.
GUIDE = "docs/reference/asynccheck.md"

STEPS = "docs/steps/"  # one page per stage


@dataclass(frozen=True)
class Stage:
    number: int
    title: str  # the title of the stage's page, after "Stage NN: "
    section: str  # that page and the anchor of its title

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

# Where the guide explains a fix: a page (relative to the repository) and an anchor on it.
MISTAKES = "docs/reference/errata.md#mistakes-in-the-tutorial"
BEFORE_YOU_START = "docs/your-app/converting.md#before-the-first-step"
EXPIRE_ON_COMMIT = "docs/your-app/recipes/expire-on-commit.md#expire-on-commit"
REFRESH = "docs/your-app/recipes/refresh-and-collections.md#refresh-and-collections"
LEGACY_QUERIES = "docs/your-app/recipes/legacy-queries.md#rewrite-legacy-queries"
WHAT_TO_AWAIT = STEPS + "05-async-routes.md#what-to-await"
YOUR_OWN_TESTS = "docs/your-app/your-tests.md#your-own-tests"


def _section(stage: int) -> str:
    return STAGES[stage].section


# code -> (the page and anchor that explain the fix, what the code is about)
CODES = {
    "AC001": (MISTAKES, "sqlalchemy.future import"),
    "AC002": (MISTAKES, "declarative_base (or as_declarative, ...) from sqlalchemy.ext.declarative"),
    "AC003": (MISTAKES, "TemplateResponse with the template name first"),
    "AC004": (BEFORE_YOU_START, "Pydantic 1's dict(), json(), copy(), parse_obj(), from_orm() on a model"),
    "AC005": (LEGACY_QUERIES, "Query.get(), which warns LegacyAPIWarning"),
    "AC006": (BEFORE_YOU_START, "a Pydantic model configured by a class Config"),
    "AC007": (BEFORE_YOU_START, "a Pydantic 1 name imported from pydantic (BaseSettings, validator, ...)"),
    "AC101": (_section(1), "no async database driver in the requirements"),
    "AC102": (_section(1), "no greenlet (sqlalchemy[asyncio]) in the requirements"),
    "AC103": (_section(1), "no requirements found: the drivers cannot be checked"),
    "AC201": (_section(2), "a sync engine and no async engine"),
    "AC202": (_section(2), "sessionmaker for AsyncSession instead of async_sessionmaker"),
    "AC203": (EXPIRE_ON_COMMIT, "a session factory without expire_on_commit=False"),
    "AC204": (_section(2), "a session factory without an engine"),
    "AC301": (_section(3), "metadata.create_all() at import time"),
    "AC302": (_section(3), "on_event / startup and shutdown handlers instead of a lifespan"),
    "AC401": (_section(4), "relationship() that loads lazily"),
    "AC402": (_section(4), 'relationship(lazy="dynamic")'),
    "AC403": (_section(4), "backref that loads lazily"),
    "AC501": (LEGACY_QUERIES, "the legacy Query API"),
    "AC502": (_section(5), "a def route or dependency on a session"),
    "AC503": (_section(5), "a sync session or engine inside async def"),
    "AC504": (WHAT_TO_AWAIT, "an AsyncSession call that is not awaited"),
    "AC505": (WHAT_TO_AWAIT, "await on a plain AsyncSession method"),
    "AC506": (REFRESH, "refresh() of an object whose response model reads a collection"),
    "AC601": (_section(6), "an exception handler defined with def"),
    "AC602": (MISTAKES, "an import of a name FastAPI does not have"),
    "AC603": (MISTAKES, "a handler named like FastAPI's own, which it then calls"),
    "AC701": (_section(7), "no test suite"),
    "AC702": (YOUR_OWN_TESTS, "tests that drive the app only through TestClient"),
    "AC703": (YOUR_OWN_TESTS, "no blocking-call detector in the tests"),
}


def stage_of(code: str) -> int:
    return int(code[2])


def guide(code: str) -> str:
    """The code's entry in the guide's reference page, as printed after `->`."""
    CODES[code]  # an unknown code is a KeyError, not a link to nowhere
    return f"{GUIDE}#{code.lower()}"
