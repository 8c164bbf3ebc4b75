"""Each rule of stages 00 to 04 on a small app: a case where it fires, and one where it must stay silent.
The cases are helpers.EARLY_CASES, which test_rules_05_to_07.py reads too."""

import pytest

from asynccheck import check
from early_cases import EARLY_CASES
from helpers import write_app


@pytest.mark.parametrize(("code", "expected", "files"), EARLY_CASES)
def test_rule(tmp_path, code, expected, files):
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    found = [finding.code for finding in report.findings]
    assert (code in found) == expected, report.findings
