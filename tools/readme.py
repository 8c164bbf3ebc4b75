"""README.md's stage table: generated from the manifest between <!-- stages:start --> and the end marker; each
stage links its page of the guide (its `section`)."""

from tools import stages
from tools.sources import GuideError

START, END = "<!-- stages:start -->\n", "<!-- stages:end -->"


def stage_table() -> str:
    rows = ["| Stage | Tutorial step | What the step does |", "|---|---|---|"]
    for stage in stages.load():
        rows.append(
            f"| [`{stage.dir}`](stages/{stage.dir}/) | {stage.tutorial} | [{stage.title}]({stage.section}) |"
        )
    return "\n".join(rows) + "\n"


def render_readme(text: str) -> str:
    before, start, rest = text.partition(START)
    _old, end, after = rest.partition(END)
    if not start or not end:
        raise GuideError("README.md has no <!-- stages:start --> ... <!-- stages:end --> markers")
    return before + start + stage_table() + end + after
