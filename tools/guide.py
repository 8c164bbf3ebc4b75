"""MIGRATION.md's code excerpts and README.md's stage table: generated from the stages, then checked.

An excerpt sits between two HTML comments (GitHub does not show them); everything between them is generated:

    <!-- diff: stages/04_eager_loading/main.py -->       the file's diff from the previous stage
    <!-- diff: stages/04_eager_loading/main.py "db.refresh" -->   only the hunks that contain that text
    <!-- code: stages/05_async_routes/database.py get_async_db -->  one def, class or assignment (ast)
    <!-- code: stages/05_async_routes/main.py delete_post context --> may also show lines the stage kept
    <!-- file: recipes/conftest.py -->                    a whole file (a recipe, a recorded output)
    <!-- table: tests/recipes/query_translation.py ROWS --> a Markdown table from a literal list of dicts
    ...
    <!-- /diff -->  or  <!-- /code -->  or  <!-- /file -->  or  <!-- /table -->

Inside a stage's section (the `## ` heading right after `<a id="SECTION"></a>`, SECTION from
stages/stages.toml) an excerpt of a stage file must come from that stage and show what that stage changes.
Files outside stages/ (recipes, recorded outputs, test data) may be shown anywhere.
README.md's stage table is generated between <!-- stages:start --> and <!-- stages:end -->.

    python tools/guide.py           check: print what is stale or wrong, exit 1 if anything is
    python tools/guide.py --write   regenerate the excerpts and the table (nox -s docs)
"""

import ast
import difflib
import itertools
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import stages

ROOT = stages.ROOT
GUIDE = ROOT / "MIGRATION.md"
README = ROOT / "README.md"
MISTAKES = "mistakes-in-the-tutorial"  # the section whose table rows must each point at working code
CODE_FENCES = {"python", "diff", "toml"}  # fenced blocks of these languages must be generated excerpts
LANGUAGES = {".py": "python", ".toml": "toml", ".txt": "text"}  # the fence of a `file` excerpt
# The columns of a `table` excerpt: each row of the list is a dict with these keys (and "note").
TABLE_COLUMNS = {
    "task": "To do",
    "legacy": "Legacy `Query` API (sync `Session`)",
    "sync": "2.0 style, still sync (`Session`)",
    "async": "2.0 style on an `AsyncSession`",
}

MARKER = re.compile(
    r"<!-- (?P<kind>diff|code|file|table): (?P<args>[^\n]*?) -->\n(?P<body>.*?)<!-- /(?P=kind) -->", re.S
)
SECTION = re.compile(r'^<a id="(?P<id>[^"]+)"></a>\n## (?P<title>.+)$', re.M)
HEADING = re.compile(r"^## ", re.M)
FENCE = re.compile(r"^```(?P<lang>\w*)\n.*?^```$", re.M | re.S)
TABLE_BLOCK = re.compile(r"(?:^\|.*\|\n)+", re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
TABLE = re.compile(r"(<!-- stages:start -->\n).*?(<!-- stages:end -->)", re.S)


class GuideError(Exception):
    """An excerpt that cannot be generated: a missing file, name or hunk."""


def stage_of(path: str) -> stages.Stage | None:
    parts = Path(path).parts
    for stage in stages.load():
        if parts[:2] == ("stages", stage.dir):
            return stage
    return None


def git_diff(path: str, context: int = 3) -> str:
    """`git diff --no-index` of a stage file against the same file in the previous stage."""
    stage = stage_of(path)
    before = stage and stages.previous(stage)
    if before is None:
        raise GuideError(f"{path}: only a file in a stage after the first has a diff")
    new = Path(path)
    old = Path("stages", before.dir, *new.parts[2:])
    if not (ROOT / new).is_file():
        raise GuideError(f"{path}: no such file")
    old_arg = str(old) if (ROOT / old).is_file() else os.devnull
    result = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "--no-ext-diff", f"-U{context}", old_arg, str(new)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        raise GuideError(f"{path}: git diff failed: {result.stderr.strip()}")
    if not result.stdout:
        raise GuideError(f"{path}: the stage does not change this file")
    return result.stdout


def split_hunks(diff: str) -> tuple[str, list[str]]:
    """The `---`/`+++` header (without git's `diff --git`/`index` lines) and the hunks."""
    head, *hunks = re.split(r"^(?=@@ )", diff, flags=re.M)
    header = "".join(line for line in head.splitlines(keepends=True) if line.startswith(("---", "+++")))
    return header, hunks


def diff_excerpt(path: str, only: tuple[str, ...] = ()) -> str:
    header, hunks = split_hunks(git_diff(path))
    chosen = [hunk for hunk in hunks if not only or any(text in hunk for text in only)]
    if not chosen:
        raise GuideError(f"{path}: no hunk of the diff contains any of {list(only)}")
    return header + "".join(chosen)


def added_lines(path: str) -> set[int]:
    """Line numbers of `path` that its stage adds (every line, in the first stage)."""
    stage = stage_of(path)
    if stage is not None and stages.previous(stage) is None:
        return set(range(1, len((ROOT / path).read_text(encoding="utf-8").splitlines()) + 1))
    added = set()
    for hunk in split_hunks(git_diff(path, context=0))[1]:
        start = int(re.match(r"@@ -\S+ \+(\d+)", hunk).group(1))
        plus = [line for line in hunk.splitlines()[1:] if line.startswith("+")]
        added |= set(range(start, start + len(plus)))
    return added


def find_node(tree: ast.Module, name: str) -> ast.stmt | None:
    """A top-level def, class or assignment by name; `Class.name` looks inside a class."""
    body, node = tree.body, None
    for part in name.split("."):
        node = next((stmt for stmt in body if part in defined_names(stmt)), None)
        if node is None:
            return None
        body = getattr(node, "body", [])
    return node


def defined_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def code_region(path: str, name: str) -> tuple[int, int]:
    """First and last line of `name` in `path`: decorators and the comment lines right above included."""
    file = ROOT / path
    if file.suffix != ".py" or not file.is_file():
        raise GuideError(f"{path}: no such Python file (code excerpts are Python; use a diff otherwise)")
    source = file.read_text(encoding="utf-8")
    node = find_node(ast.parse(source), name)
    if node is None:
        raise GuideError(f"{path}: no def, class or assignment named {name!r}")
    lines = source.splitlines()
    first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
    while first > 1 and lines[first - 2].strip().startswith("#"):
        first -= 1
    return first, node.end_lineno


@dataclass(frozen=True)
class Excerpt:
    kind: str  # "diff", "code", "file" or "table"
    path: str  # relative to the repository
    # diff: texts a shown hunk must contain; code: the name, then maybe "context"; table: the name
    options: tuple[str, ...]
    body: str
    offset: int  # where the marker starts in the guide

    @property
    def label(self) -> str:
        return f"{self.kind}: {shlex.join([self.path, *self.options])}"

    @property
    def context(self) -> bool:
        return self.kind == "code" and "context" in self.options[1:]

    def render(self) -> str:
        if self.kind == "diff":
            return fence("diff", diff_excerpt(self.path, self.options))
        if self.kind == "file":
            return fence(LANGUAGES.get(Path(self.path).suffix, "text"), read(self.path))
        if self.kind == "table":
            return markdown_table(literal(self.path, self.options[0]))
        first, last = code_region(self.path, self.options[0])
        lines = (ROOT / self.path).read_text(encoding="utf-8").splitlines(keepends=True)
        return fence("python", "".join(lines[first - 1 : last]))


def fence(language: str, text: str) -> str:
    return f"```{language}\n{text.rstrip(chr(10))}\n```\n"


def read(path: str) -> str:
    file = ROOT / path
    if not file.is_file():
        raise GuideError(f"{path}: no such file")
    return file.read_text(encoding="utf-8")


def literal(path: str, name: str) -> list[dict[str, str]]:
    """A module-level literal, read with ast: the module's imports need not be installed."""
    node = find_node(ast.parse(read(path)), name)
    if not isinstance(node, ast.Assign):
        raise GuideError(f"{path}: no assignment named {name!r}")
    try:
        return ast.literal_eval(node.value)
    except ValueError as error:
        raise GuideError(f"{path}: {name} is not a literal: {error}") from None


def markdown_table(rows: list[dict[str, str]]) -> str:
    """One row per dict: its "note", if any, follows the task; each other cell is code."""

    def code(text: str) -> str:
        return f"`{text}`".replace("|", "\\|")

    lines = ["| " + " | ".join(TABLE_COLUMNS.values()) + " |", "|---" * len(TABLE_COLUMNS) + "|"]
    for row in rows:
        task = row["task"] + (f" ({row['note']})" if row.get("note") else "")
        lines.append("| " + " | ".join([task, *(code(row[key]) for key in list(TABLE_COLUMNS)[1:])]) + " |")
    return "\n".join(lines) + "\n"


def excerpts(text: str) -> list[Excerpt]:
    found = []
    for match in MARKER.finditer(text):
        path, *options = shlex.split(match["args"])
        found.append(Excerpt(match["kind"], path, tuple(options), match["body"], match.start()))
    return found


def render(text: str) -> str:
    """The guide with every excerpt regenerated from the stages."""

    def regenerate(match: re.Match) -> str:
        (excerpt,) = excerpts(match[0])
        return f"<!-- {match['kind']}: {match['args']} -->\n{excerpt.render()}<!-- /{match['kind']} -->"

    return MARKER.sub(regenerate, text)


@dataclass(frozen=True)
class Section:
    id: str | None
    title: str
    start: int
    end: int


def sections(text: str) -> list[Section]:
    """Every `## ` section, with the id of the anchor right above its heading (None without one)."""
    starts = [match.start() for match in HEADING.finditer(text)] + [len(text)]
    anchors = {text.index("## ", match.start()): match for match in SECTION.finditer(text)}
    found = []
    for start, end in itertools.pairwise(starts):
        anchor = anchors.get(start)
        title = text[start + 3 : text.find("\n", start)]
        found.append(Section(anchor["id"] if anchor else None, title, start, end))
    return found


def section_at(text: str, offset: int) -> Section | None:
    return next((section for section in sections(text) if section.start <= offset < section.end), None)


def problems(text: str) -> list[str]:
    """Everything that makes the guide disagree with the stages, apart from stale excerpt bodies."""
    found = []
    by_section = {stage.section: stage for stage in stages.load()}
    ids = [section.id for section in sections(text) if section.id in by_section]
    for stage in stages.load():
        if ids.count(stage.section) != 1:
            found.append(f'{stage.dir}: needs exactly one section with <a id="{stage.section}"></a>')
    if ids != [stage.section for stage in stages.load() if stage.section in ids]:
        found.append(f"stage sections are not in manifest order: {ids}")
    shown = set()
    for excerpt in excerpts(text):
        section = section_at(text, excerpt.offset)
        stage = by_section.get(section.id) if section else None
        try:
            excerpt.render()
            if stage is not None and stage_of(excerpt.path) is not None:
                shown.add(stage.dir)
                found += section_problems(excerpt, stage)
        except GuideError as error:
            found.append(f"{excerpt.label}: {error}")
    found += [
        f"{stage.dir}: its section shows no excerpt" for stage in stages.load() if stage.dir not in shown
    ]
    found += unchecked_code(text) + table_problems(text)
    return found


def section_problems(excerpt: Excerpt, stage: stages.Stage) -> list[str]:
    """An excerpt in a stage's section must come from that stage and show lines the stage adds."""
    if stage_of(excerpt.path) != stage:
        return [f"{excerpt.label}: shown in the section of {stage.dir}, which does not introduce it"]
    if excerpt.kind == "diff":
        return []
    first, last = code_region(excerpt.path, excerpt.options[0])
    lines = (ROOT / excerpt.path).read_text(encoding="utf-8").splitlines()
    shown = {number for number in range(first, last + 1) if lines[number - 1].strip()}
    new = shown & added_lines(excerpt.path)
    if excerpt.context and not new:
        return [f"{excerpt.label}: {stage.dir} changes none of these lines"]
    if not excerpt.context and new != shown:
        kept = sorted(shown - new)
        return [f"{excerpt.label}: lines {kept} are not added by {stage.dir} (mark the excerpt `context`)"]
    return []


def unchecked_code(text: str) -> list[str]:
    """Code fences outside the markers would be code nobody checks."""
    covered = [match.span() for match in MARKER.finditer(text)]
    return [
        f"line {text.count(chr(10), 0, fence.start()) + 1}: ```{fence['lang']} block outside a marker"
        for fence in FENCE.finditer(text)
        if fence["lang"] in CODE_FENCES and not any(a <= fence.start() < b for a, b in covered)
    ]


def table_problems(text: str) -> list[str]:
    """A table row's last cell: each `code` span in it is in a file the cell links (required in MISTAKES)."""
    found = []
    for table in TABLE_BLOCK.finditer(text):
        section = section_at(text, table.start())
        for row in table[0].splitlines()[2:]:  # after the header and the |---| line
            cell = row.strip().strip("|").split("|")[-1]
            files = [ROOT / link for link in LINK.findall(cell) if (ROOT / link).is_file()]
            if not files and section and section.id == MISTAKES:
                found.append(f"{MISTAKES}: a row links no file with its working code: {row[:60]}...")
            sources = [squash(file.read_text(encoding="utf-8")) for file in files]
            for span in CODE_SPAN.findall(cell) if files else []:
                if not any(squash(span) in source for source in sources):
                    names = ", ".join(str(file.relative_to(ROOT)) for file in files)
                    found.append(f"`{span}` is not in {names}")
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


def stage_table() -> str:
    rows = ["| Stage | Tutorial step | What the step does |", "|---|---|---|"]
    for stage in stages.load():
        rows.append(
            f"| [`{stage.dir}`](stages/{stage.dir}/) | {stage.tutorial} "
            f"| [{stage.title}](MIGRATION.md#{stage.section}) |"
        )
    return "\n".join(rows) + "\n"


def render_readme(text: str) -> str:
    if not TABLE.search(text):
        raise GuideError("README.md has no <!-- stages:start --> ... <!-- stages:end --> markers")
    return TABLE.sub(lambda match: match[1] + stage_table() + match[2], text)


def commands(text: str) -> list[str]:
    """The nox and git commands a document shows, in inline code or in shell blocks, one per `&&` part."""
    snippets = CODE_SPAN.findall(FENCE.sub("", text))
    for fence in FENCE.finditer(text):
        if fence["lang"] in {"bash", "console", "sh", "shell"}:
            snippets += fence[0].splitlines()[1:-1]
    found = []
    for snippet in snippets:
        for part in snippet.split("&&"):
            part = re.sub(r"^\$ |^\S*/bin/|\s+#.*$", "", part.strip())
            if re.match(r"(nox|git)( |$)", part):
                found.append(part)
    return found


def main(argv: list[str]) -> int:
    write = "--write" in argv
    files = {GUIDE: render, README: render_readme}
    stale = []
    for path, regenerate_file in files.items():
        old = path.read_text(encoding="utf-8")
        try:
            new = regenerate_file(old)
        except GuideError as error:
            print(f"{path.name}: {error}", file=sys.stderr)
            return 1
        if new != old:
            if write:
                path.write_text(new, encoding="utf-8")
                print(f"{path.name}: regenerated")
            else:
                stale += difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    path.name,
                    f"{path.name} (from the stages)",
                )
    found = problems(GUIDE.read_text(encoding="utf-8"))
    sys.stdout.writelines(stale)
    for problem in found:
        print(f"MIGRATION.md: {problem}", file=sys.stderr)
    if stale:
        print("excerpts are stale: run `nox -s docs`", file=sys.stderr)
    return 1 if stale or found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
