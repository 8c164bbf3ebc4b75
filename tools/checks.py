"""What makes MIGRATION.md disagree with the stages, apart from stale excerpt bodies.

Inside a stage's section (the `## ` heading right after `<a id="SECTION"></a>`, SECTION from
stages/stages.toml) an excerpt of a stage file must come from that stage and show what that stage changes.
Files outside stages/ (recipes, recorded outputs, test data) may be shown anywhere. Every code block of a
checked language is a generated excerpt, and each `code` span in a table row's last cell is in a file that
the cell links.
"""

import re

from tools import excerpts, sources, stages
from tools.markdown import Document, code_spans_in, links_in

MISTAKES = "mistakes-in-the-tutorial"  # the section whose table rows must each point at working code
CODE_FENCES = {"python", "diff", "toml"}  # fenced blocks of these languages must be generated excerpts
SHELL_FENCES = {"bash", "console", "sh", "shell"}


def problems(text: str) -> list[str]:
    """Everything that makes the guide disagree with the stages, apart from stale excerpt bodies."""
    document = Document(text)
    manifest = stages.load()
    found = []
    by_section = {stage.section: stage for stage in manifest}
    ids = [section.id for section in document.sections if section.id in by_section]
    for stage in manifest:
        if ids.count(stage.section) != 1:
            found.append(f'{stage.dir}: needs exactly one section with <a id="{stage.section}"></a>')
    if ids != [stage.section for stage in manifest if stage.section in ids]:
        found.append(f"stage sections are not in manifest order: {ids}")
    shown = set()
    for excerpt in excerpts.excerpts(text):
        section = document.section_at(excerpt.offset)
        owner = by_section.get(section.id) if section and section.id else None
        try:
            excerpt.render()
            if owner is not None and sources.stage_of(excerpt.path) is not None:
                shown.add(owner.dir)
                found += section_problems(excerpt, owner)
        except sources.GuideError as error:
            found.append(f"{excerpt.label}: {error}")
    found += [f"{stage.dir}: its section shows no excerpt" for stage in manifest if stage.dir not in shown]
    found += unchecked_code(document) + table_problems(document)
    return found


def section_problems(excerpt: excerpts.Excerpt, stage: stages.Stage) -> list[str]:
    """An excerpt in a stage's section must come from that stage and show lines the stage adds."""
    if sources.stage_of(excerpt.path) != stage:
        return [f"{excerpt.label}: shown in the section of {stage.dir}, which does not introduce it"]
    if excerpt.kind == "diff":
        return []
    first, last = sources.code_region(excerpt.path, *excerpt.names)
    lines = sources.read(excerpt.path).splitlines()
    shown = {number for number in range(first, last + 1) if lines[number - 1].strip()}
    new = shown & sources.added_lines(excerpt.path)
    if excerpt.context and not new:
        return [f"{excerpt.label}: {stage.dir} changes none of these lines"]
    if not excerpt.context and new != shown:
        kept = sorted(shown - new)
        return [f"{excerpt.label}: lines {kept} are not added by {stage.dir} (mark the excerpt `context`)"]
    return []


def unchecked_code(document: Document) -> list[str]:
    """Code fences outside the markers would be code nobody checks."""
    covered = excerpts.spans(document.text)
    return [
        f"line {fence.line}: ```{fence.lang} block outside a marker"
        for fence in document.fences()
        if fence.lang in CODE_FENCES and not any(a <= fence.start < b for a, b in covered)
    ]


def table_problems(document: Document) -> list[str]:
    """A table row's last cell: each `code` span in it is in a file the cell links (required in MISTAKES)."""
    found = []
    for row in document.table_rows():
        section = document.section_at(row.start)
        links = [str(link.attrs["href"]).partition("#")[0] for link in links_in(row.last_cell)]
        files = [stages.ROOT / link for link in links if link and (stages.ROOT / link).is_file()]
        if not files and section and section.id == MISTAKES:
            found.append(f"{MISTAKES}: a row links no file with its working code: {row.source[:60]}...")
        sources_text = [squash(file.read_text(encoding="utf-8")) for file in files]
        for span in code_spans_in(row.last_cell) if files else []:
            if not any(squash(span) in source for source in sources_text):
                names = ", ".join(str(file.relative_to(stages.ROOT)) for file in files)
                found.append(f"`{span}` is not in {names}")
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


def commands(text: str) -> list[str]:
    """The nox and git commands a document shows, in inline code or in shell blocks, one per `&&` part."""
    document = Document(text)
    snippets = document.code_spans()
    for fence in document.fences():
        if fence.lang in SHELL_FENCES:
            snippets += fence.content.splitlines()
    found = []
    for snippet in snippets:
        for part in snippet.split("&&"):
            # `$ nox`, `.venv/bin/nox` and `nox  # a comment` all show the command `nox`
            part = re.sub(r"^\$ |^\S*/bin/|\s+#.*$", "", part.strip())
            if part.split(" ", 1)[0] in ("nox", "git"):
                found.append(part)
    return found
