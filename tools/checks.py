"""What makes the guide's pages disagree with the stages, apart from stale excerpt bodies.

Each stage's page (`section` in stages/stages.toml: docs/steps/NN-name.md#anchor) opens with
`<a id="anchor"></a>` above its `# ` title, and every excerpt of a stage file on it comes from that stage and
shows what that stage changes. Files outside stages/ (recipes, recorded outputs, test data) may be shown on
any page, and any page other than a step's may show any stage's files. Every code block of a checked language
is a generated excerpt; each `code` span in a table row's last cell is in a file that the cell links (and on
the errata page every row links one); every relative link and anchor resolves; MIGRATION.md links every page;
no page is longer than LONGEST lines.
"""

import posixpath
import re

from tools import excerpts, sources, stages
from tools.markdown import Document, code_spans_in, links_in

ERRATA = "docs/reference/errata.md"  # the page whose table rows must each point at working code
ENTRY = "MIGRATION.md"  # the guide's first page: its table of contents links every other page
LONGEST = 400  # lines: a longer page is two topics
CODE_FENCES = {"python", "diff", "toml"}  # fenced blocks of these languages must be generated excerpts
SHELL_FENCES = {"bash", "console", "sh", "shell"}


def problems(pages: dict[str, str]) -> list[str]:
    """Everything that makes the pages ({path relative to the repository: text}) disagree with the stages, or
    with each other, apart from stale excerpt bodies. Each problem starts with its page."""
    manifest = stages.load()
    owners: dict[str, stages.Stage] = {}
    found = []
    for stage in manifest:
        if stage.page in owners:
            found.append(f"{stage.page}: the page of {owners[stage.page].dir} and of {stage.dir}")
        owners[stage.page] = stage
        text = pages.get(stage.page)
        if text is None:
            found.append(f"{stage.dir}: no page {stage.page} (its section in stages/stages.toml)")
        elif (
            not re.match(rf'<a id="{re.escape(stage.anchor)}"></a>\n# ', text)
            or text.count(f'<a id="{stage.anchor}"></a>') != 1
        ):
            found.append(f'{stage.page}: must open with <a id="{stage.anchor}"></a> right above its # title')
    for name, text in pages.items():
        found += [f"{name}: {problem}" for problem in page_problems(name, text, owners.get(name))]
    found += link_problems(pages)
    return found


def page_problems(name: str, text: str, owner: stages.Stage | None) -> list[str]:
    document = Document(text)
    found, shown = [], False
    for excerpt in excerpts.excerpts(text):
        try:
            excerpt.render()
            if owner is not None and sources.stage_of(excerpt.path) is not None:
                shown = True
                found += section_problems(excerpt, owner)
        except sources.GuideError as error:
            found.append(f"{excerpt.label}: {error}")
    if owner is not None and not shown:
        found.append(f"the page of {owner.dir} shows no excerpt of it")
    if len(document.lines) > LONGEST:
        found.append(f"{len(document.lines)} lines, over {LONGEST}: split it, one topic a page")
    return found + unchecked_code(document) + table_problems(document, name)


def section_problems(excerpt: excerpts.Excerpt, stage: stages.Stage) -> list[str]:
    """An excerpt on a stage's page must come from that stage and show lines the stage adds."""
    if sources.stage_of(excerpt.path) != stage:
        return [f"{excerpt.label}: shown on the page of {stage.dir}, which does not introduce it"]
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


def resolve(page: str, link: str) -> str:
    """A relative link's target, relative to the repository (a link is relative to its page's folder)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), link))


def table_problems(document: Document, page: str) -> list[str]:
    """A table row's last cell: each `code` span in it is in a file the cell links (required on ERRATA)."""
    found = []
    for row in document.table_rows():
        links = [str(link.attrs["href"]).partition("#")[0] for link in links_in(row.last_cell)]
        targets = [
            stages.ROOT / resolve(page, link) for link in links if link and not re.match("[a-z]+:", link)
        ]
        files = [file for file in targets if file.is_file()]
        if not files and page == ERRATA:
            found.append(f"a row links no file with its working code: {row.source[:60]}...")
        sources_text = [squash(file.read_text(encoding="utf-8")) for file in files]
        for span in code_spans_in(row.last_cell) if files else []:
            if not any(squash(span) in source for source in sources_text):
                names = ", ".join(str(file.relative_to(stages.ROOT)) for file in files)
                found.append(f"`{span}` is not in {names}")
    return found


def squash(text: str) -> str:
    return " ".join(text.split())


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a page: its `<a id="...">` and its headings' (as GitHub makes them)."""
    found = set(re.findall(r'<a id="([^"]+)"></a>', text))
    return found | {slug(heading) for heading in Document(text).headings()}


def link_problems(pages: dict[str, str]) -> list[str]:
    """Every relative link of every page reaches a file of the repository, and its anchor a page's anchor;
    MIGRATION.md links every page."""
    found, linked_from_entry = [], set()
    for name, text in pages.items():
        for target in Document(text).links():
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = resolve(name, path) if path else name
            if name == ENTRY:
                linked_from_entry.add(resolved)
            if path and not (stages.ROOT / resolved).exists():
                found.append(f"{name}: {target}: no such file")
            elif anchor and anchor not in anchors(pages.get(resolved, "")):
                found.append(f"{name}: {target}: no such anchor in {resolved}")
    if ENTRY in pages:
        found += [
            f"{ENTRY}: links no {name}"
            for name in pages
            if name.startswith("docs/") and name not in linked_from_entry
        ]
    return found


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
