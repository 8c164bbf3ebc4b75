"""Every place a finding points to exists: each code's entry on the reference page (`-> GUIDE#acNNN`), and
the page and anchor that entry links; and each stage's title is its step page's title."""

import re

import pytest

from asynccheck.codes import CODES, GUIDE, STAGES, guide
from helpers import ROOT


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: str) -> set[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return set(re.findall(r'<a id="([^"]+)"></a>', text)) | {
        slug(heading) for heading in re.findall(r"^#+ (.+)$", text, flags=re.M)
    }


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_link_asynccheck_prints_exists(code):
    page, _, anchor = guide(code).partition("#")
    assert page == GUIDE
    assert anchor in anchors(page), f"{code}: run `nox -s docs` to give it its entry on {GUIDE}"


@pytest.mark.parametrize("target", sorted({code.anchor for code in CODES.values()}))
def test_every_page_a_code_entry_links_exists(target):
    page, _, anchor = target.partition("#")
    assert (ROOT / page).is_file()
    assert not anchor or anchor in anchors(page)


@pytest.mark.parametrize("stage", STAGES, ids=[stage.label for stage in STAGES])
def test_every_stage_title_is_its_pages_title(stage):
    page, _, anchor = stage.section.partition("#")
    text = (ROOT / page).read_text(encoding="utf-8")
    assert text.startswith(f'<a id="{anchor}"></a>\n# Stage {stage.label}: {stage.title}\n')
