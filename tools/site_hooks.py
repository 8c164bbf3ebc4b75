"""mkdocs hooks (mkdocs.yml `hooks:`) that build the site from the pages as GitHub shows them.

- The home page is MIGRATION.md, at the repository's root, outside docs/: it is added as index.md.
- A page's relative links are written for GitHub, from the page's place in the repository. Links into docs/
  and to MIGRATION.md become links between the site's pages; a link to any other file of the repository
  (a stage's code, a test) becomes its text and the file's path, since the site holds no such file. A link
  to a file that does not exist fails the build, as a broken link between pages does (`--strict`).
- Every page under docs/ must be in `nav`: a page the navigation does not reach fails the build.
"""

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "MIGRATION.md"  # the guide's first page, the site's index.md
LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.M | re.S)


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    text = (ROOT / ENTRY).read_text(encoding="utf-8")
    files.append(File.generated(config, "index.md", content=text))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files, **_: Any) -> Navigation:
    listed = {page.file.src_uri for page in nav.pages}
    missing = sorted(file.src_uri for file in files.documentation_pages() if file.src_uri not in listed)
    if missing:
        raise PluginError(f"pages missing from mkdocs.yml's nav: {', '.join(missing)}")
    return nav


def repository_path(src_uri: str) -> str:
    """Where the page is in the repository: docs/..., or MIGRATION.md for the site's index.md."""
    return ENTRY if src_uri == "index.md" else f"docs/{src_uri}"


def site_link(page: str, target: str) -> str | None:
    """The site's link for a link written on `page` (a repository path), or None when it leaves the site."""
    path, hash_, anchor = target.partition("#")
    if not path:
        return target
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if resolved == ENTRY:
        resolved = "docs/index.md"
    if not resolved.startswith("docs/") or not resolved.endswith(".md"):
        if not (ROOT / resolved).exists():
            raise PluginError(f"{page}: a link to {target}, which is not in the repository")
        return None
    here = posixpath.dirname(page) if page != ENTRY else "docs"
    return posixpath.relpath(resolved, here) + hash_ + anchor


def rewrite(page: str, markdown: str) -> str:
    def replace(match: re.Match[str]) -> str:
        text, target = match["text"], match["target"]
        if re.match(r"[a-z]+:", target):
            return match[0]
        link = site_link(page, target)
        if link is not None:
            return f"[{text}]({link})"
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target.partition("#")[0]))
        if text.strip("`").rstrip("/").endswith(posixpath.basename(path.rstrip("/"))):
            return f"`{path}`" if text.startswith("`") else text
        return f"{text} (`{path}`)"

    parts, last = [], 0
    for fence in FENCE.finditer(markdown):
        parts += [LINK.sub(replace, markdown[last : fence.start()]), fence[0]]
        last = fence.end()
    return "".join([*parts, LINK.sub(replace, markdown[last:])])


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
    return rewrite(repository_path(page.file.src_uri), markdown)
