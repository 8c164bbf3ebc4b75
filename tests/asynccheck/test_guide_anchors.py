"""Every place the findings point to exists in MIGRATION.md, and the stage titles are its headings."""

import re

import pytest

from asynccheck.codes import CODES, GUIDE, STAGES
from helpers import ROOT

TEXT = (ROOT / GUIDE).read_text(encoding="utf-8")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


ANCHORS = set(re.findall(r'<a id="([^"]+)"></a>', TEXT)) | {
    slug(heading) for heading in re.findall(r"^#+ (.+)$", TEXT, flags=re.M)
}


@pytest.mark.parametrize("anchor", sorted({code.anchor for code in CODES.values()}))
def test_every_anchor_a_finding_points_to_exists(anchor):
    assert anchor in ANCHORS


@pytest.mark.parametrize("stage", STAGES, ids=[stage.label for stage in STAGES])
def test_every_stage_title_is_the_guides_heading(stage):
    assert f'<a id="{stage.section}"></a>\n## Stage {stage.label}: {stage.title}\n' in TEXT
