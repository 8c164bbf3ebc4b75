"""The excerpt markers of the guide's pages: where they are, and the text each one is generated to hold.

Any page (MIGRATION.md, docs/**/*.md) may hold markers; `nox -s docs` regenerates them all and `nox -s repo`
fails when one is stale. A marker is a pair of HTML comments (GitHub and mkdocs do not show them) around a
generated block, each comment on a line of its own; paths are relative to the repository, not to the page:

    <!-- diff: stages/04_eager_loading/main.py -->       the file's diff from the previous stage
    <!-- diff: stages/04_eager_loading/main.py "db.refresh" -->   only the hunks that contain that text
    <!-- diff: examples/fullstack/async/app/main.py from examples/fullstack/sync/app/main.py -->  any file's
        diff from another file (hunk texts may follow)
    <!-- code: stages/05_async_routes/database.py get_async_db -->  one def, class or assignment (ast)
    <!-- code: stages/05_async_routes/main.py delete_post context --> may also show lines the stage kept
    <!-- code: stages/00_sync_baseline/database.py connect_args -->  the `if` whose branches assign it
    <!-- code: stages/00_sync_baseline/models.py users_username_key posts_user_newest -->  from the first
        name to the last; a call with a string first argument, such as Index("posts_newest", ...), is
        found by that string
    <!-- file: recipes/conftest.py -->                    a whole file (a recipe, a recorded output)
    <!-- table: tests/recipes/query_translation.py ROWS --> a Markdown table from a literal list of dicts
    <!-- bench: bench/report/results.json -->           the benchmark's headline numbers (tools/benchquote.py)
    <!-- codes: asynccheck/codes.py -->                 asynccheck's codes, one anchor each (on codes.GUIDE)
    ...
    <!-- /diff -->  or  <!-- /code -->  or  <!-- /file -->  or  <!-- /table -->  or  <!-- /bench -->  ...

Write the opening comment and its closing one with nothing between them, then run `nox -s docs`.
"""

import posixpath
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from asynccheck import codes
from tools import benchquote, sources

# The markers are this repository's own syntax, inside HTML comments: a Markdown parser sees only comments.
MARKER = re.compile(
    r"<!-- (?P<kind>diff|code|file|table|bench|codes): (?P<args>[^\n]*?) -->\n"
    r"(?P<body>.*?)<!-- /(?P=kind) -->",
    re.S,
)
LANGUAGES = {".py": "python", ".toml": "toml", ".txt": "text"}  # the fence of a `file` excerpt
# The columns of a `table` excerpt: each row of the list is a dict with these keys (and "note").
TABLE_COLUMNS = {
    "task": "To do",
    "legacy": "Legacy `Query` API (sync `Session`)",
    "sync": "2.0 style, still sync (`Session`)",
    "async": "2.0 style on an `AsyncSession`",
}


@dataclass(frozen=True)
class Excerpt:
    kind: str  # "diff", "code", "file", "table", "bench" or "codes"
    path: str  # relative to the repository
    # diff: texts a shown hunk must contain; code: one or more names, maybe "context"; table: the name
    options: tuple[str, ...]
    body: str
    offset: int  # where the marker starts in the guide

    @property
    def label(self) -> str:
        return f"{self.kind}: {shlex.join([self.path, *self.options])}"

    @property
    def context(self) -> bool:
        return self.kind == "code" and "context" in self.options[1:]

    @property
    def names(self) -> tuple[str, ...]:
        """What a `code` excerpt shows: one name, or the lines from the first name to the last."""
        return self.options[:1] + tuple(option for option in self.options[1:] if option != "context")

    def render(self) -> str:
        if self.kind == "diff" and self.options[:1] == ("from",) and len(self.options) > 1:
            return fence("diff", sources.diff_excerpt(self.path, self.options[2:], before=self.options[1]))
        if self.kind == "diff":
            return fence("diff", sources.diff_excerpt(self.path, self.options))
        if self.kind == "file":
            return fence(LANGUAGES.get(Path(self.path).suffix, "text"), sources.read(self.path))
        if self.kind == "table":
            return markdown_table(sources.literal(self.path, self.options[0]))
        if self.kind == "bench":
            return benchquote.render(self.path)
        if self.kind == "codes":
            sources.read(self.path)  # the table is asynccheck's, as imported: the path names where it is
            return codes_reference()
        first, last = sources.code_region(self.path, *self.names)
        lines = sources.read(self.path).splitlines(keepends=True)
        return fence("python", "".join(lines[first - 1 : last]))


def fence(language: str, text: str) -> str:
    return f"```{language}\n{text.rstrip(chr(10))}\n```\n"


def markdown_table(rows: list[dict[str, str]]) -> str:
    """One row per dict: its "note", if any, follows the task; each other cell is code."""

    def code(text: str) -> str:
        return f"`{text}`".replace("|", "\\|")

    lines = ["| " + " | ".join(TABLE_COLUMNS.values()) + " |", "|---" * len(TABLE_COLUMNS) + "|"]
    for row in rows:
        task = row["task"] + (f" ({row['note']})" if row.get("note") else "")
        lines.append("| " + " | ".join([task, *(code(row[key]) for key in list(TABLE_COLUMNS)[1:])]) + " |")
    return "\n".join(lines) + "\n"


def codes_reference() -> str:
    """asynccheck's codes in the order it reports them: each under an anchor of its own (`ac502`, the target
    `asynccheck.codes.guide()` prints), with what it finds and a link to the page that explains the fix, named
    by that page's title."""
    here = posixpath.dirname(codes.GUIDE)
    parts = []
    for code, (target, about, severity) in codes.CODES.items():
        stage = codes.STAGES[codes.stage_of(code)]
        page, _, anchor = target.partition("#")
        title = next((line[2:] for line in sources.read(page).splitlines() if line.startswith("# ")), page)
        link = posixpath.relpath(page, here) + (f"#{anchor}" if anchor else "")
        when = "clear it before you start" if stage.number == 0 else f"stage {stage.label} removes it"
        parts.append(
            f'<a id="{code.lower()}"></a>\n\n### {code}: {about}\n\n'
            f"{severity.capitalize()}. {when.capitalize()}: [{title}]({link}).\n"
        )
    return "\n".join(parts)


def excerpt(match: re.Match[str]) -> Excerpt:
    path, *options = shlex.split(match["args"])
    return Excerpt(match["kind"], path, tuple(options), match["body"], match.start())


def excerpts(text: str) -> list[Excerpt]:
    return [excerpt(match) for match in MARKER.finditer(text)]


def spans(text: str) -> list[tuple[int, int]]:
    """Where each marker, with its body, starts and ends."""
    return [match.span() for match in MARKER.finditer(text)]


def render(text: str) -> str:
    """The guide with every excerpt regenerated from the stages."""

    def regenerate(match: re.Match[str]) -> str:
        return (
            f"<!-- {match['kind']}: {match['args']} -->\n{excerpt(match).render()}<!-- /{match['kind']} -->"
        )

    return MARKER.sub(regenerate, text)
