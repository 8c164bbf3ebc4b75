"""The stages check the checker: on stage N every finding belongs to a later stage, every later stage has
an error (the verdict counts errors only), and the last stage has neither an error nor advice. The stages
come from stages/stages.toml (tools/stages.py), so a new
stage needs no change here."""

import pytest

from asynccheck import check
from asynccheck.codes import STAGES
from tools import stages as manifest

MANIFEST = manifest.load()
NUMBERS = [int(stage.number) for stage in MANIFEST]


@pytest.mark.parametrize("position", range(len(MANIFEST)), ids=[stage.dir for stage in MANIFEST])
def test_findings_belong_to_later_stages_only(position):
    stage = NUMBERS[position]
    report = check([str(MANIFEST[position].path)])

    assert report.errors == []
    assert [finding for finding in report.findings if finding.stage <= stage] == []
    later = NUMBERS[position + 1 :]
    assert sorted({finding.stage for finding in report.errors_found}) == later
    assert report.next == (f"{later[0]:02d}" if later else None)


def test_the_last_stage_has_no_finding():
    report = check([str(MANIFEST[-1].path)])
    assert report.findings == []  # no error and no advice
    assert report.exit_code == 0
    assert report.completed == [stage.number for stage in MANIFEST]


def test_every_stage_of_the_manifest_is_known_to_the_checker():
    assert [(stage.number, stage.section) for stage in STAGES] == [
        (number, stage.section) for number, stage in zip(NUMBERS, MANIFEST, strict=True)
    ]
