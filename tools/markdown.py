"""A Markdown file as the guide's checks read it: `## ` sections, fences, table rows, code spans, links.

markdown-it-py parses it (CommonMark and GitHub's tables), so that a `#` line inside a code block is not a
heading, a backtick inside a fence does not open a code span, and `\\|` inside a table cell is not a border.
"""

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Section:
    """A `## ` heading and everything up to the next one; `id` is the `<a id="..."></a>` line right above."""

    id: str | None
    title: str
    start: int  # offsets in the text
    end: int


@dataclass(frozen=True)
class Fence:
    lang: str  # the first word of the info string: ```python -> "python"
    line: int  # of the opening ```, from 1
    start: int  # offset of the opening ```
    content: str


@dataclass(frozen=True)
class Row:
    """A row of a table's body: its source line, and what its last cell holds."""

    start: int
    source: str
    last_cell: Token  # the cell's inline token: code spans and links are its children


class Document:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.tokens = PARSER.parse(text)
        self._line_starts = [0, *itertools.accumulate(len(line) for line in text.splitlines(keepends=True))]

    def offset(self, line: int) -> int:
        """Where a line (counted from 0, as markdown-it does) starts in the text."""
        return self._line_starts[line]

    @cached_property
    def sections(self) -> list[Section]:
        headings = [
            (token.map[0], self.tokens[index + 1].content)
            for index, token in enumerate(self.tokens)
            if token.type == "heading_open" and token.tag == "h2" and token.map
        ]
        found = []
        for (line, title), (next_line, _) in itertools.pairwise([*headings, (len(self.lines), "")]):
            end = self.offset(next_line) if next_line < len(self.lines) else len(self.text)
            found.append(Section(self.anchor(line - 1), title, self.offset(line), end))
        return found

    def anchor(self, line: int) -> str | None:
        """The id of an `<a id="..."></a>` that is the whole line."""
        if line < 0:
            return None
        text = self.lines[line]
        name = text[7:-6] if text.startswith('<a id="') and text.endswith('"></a>') else ""
        return name if name and '"' not in name else None

    def section_at(self, offset: int) -> Section | None:
        starts = [section.start for section in self.sections]
        index = bisect.bisect_right(starts, offset) - 1
        return self.sections[index] if index >= 0 and offset < self.sections[index].end else None

    def fences(self) -> list[Fence]:
        found = []
        for token in self.tokens:
            if token.type == "fence" and token.map:
                line = token.map[0]
                lang = token.info.split()[0] if token.info.strip() else ""
                found.append(Fence(lang, line + 1, self.offset(line), token.content))
        return found

    def inline(self) -> Iterator[Token]:
        """Every inline piece of text (paragraphs, headings, list items, table cells), in order."""
        return (token for token in self.tokens if token.type == "inline")

    def code_spans(self) -> list[str]:
        return [span for token in self.inline() for span in code_spans_in(token)]

    def links(self) -> list[str]:
        return [str(child.attrs["href"]) for token in self.inline() for child in links_in(token)]

    def headings(self) -> list[str]:
        """The text of every heading, any level."""
        return [
            self.tokens[i + 1].content for i, token in enumerate(self.tokens) if token.type == "heading_open"
        ]

    def table_rows(self) -> list[Row]:
        """Every row of every table body, in order."""
        rows, in_body, row_line, last_cell = [], False, 0, None
        for token in self.tokens:
            if token.type in ("tbody_open", "tbody_close"):
                in_body = token.type == "tbody_open"
            elif in_body and token.type == "tr_open" and token.map:
                row_line, last_cell = token.map[0], None
            elif in_body and token.type == "inline":
                last_cell = token
            elif in_body and token.type == "tr_close" and last_cell is not None:
                rows.append(Row(self.offset(row_line), self.lines[row_line], last_cell))
        return rows


def links_in(token: Token) -> list[Token]:
    return [child for child in token.children or [] if child.type == "link_open"]


def code_spans_in(token: Token) -> list[str]:
    return [child.content for child in token.children or [] if child.type == "code_inline"]
