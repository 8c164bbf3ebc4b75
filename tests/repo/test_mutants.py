"""tests/mutants.toml is runnable: each mutation names a stage's file, a text that occurs there once, and
tests that exist. (`nox -s mutants` runs them; this only keeps the list from going stale unnoticed.)"""

import re
from pathlib import Path

import pytest

from tools import mutants, stages

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = mutants.load()
STAGE_DIRS = {f"stages/{stage.dir}/" for stage in stages.load()}


def test_the_list_has_the_mutations_the_issue_asks_for():
    assert len(MUTANTS) >= 23
    assert len({mutant.name for mutant in MUTANTS}) == len(MUTANTS)  # names are unique
    assert mutants.of_stage(MUTANTS, stages.load()[-1])  # CI runs the newest stage's


@pytest.mark.parametrize("mutant", MUTANTS, ids=[mutant.name for mutant in MUTANTS])
def test_mutation_applies_once_and_names_real_tests(mutant):
    assert any(mutant.file.startswith(prefix) for prefix in STAGE_DIRS), mutant.file
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    assert text.count(mutant.find) == 1, f"{mutant.find!r} must occur once in {mutant.file}"
    assert mutant.replace != mutant.find and mutant.why and mutant.tests
    for test in mutant.tests:
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), test
        if name:
            function = name.split("[")[0]
            assert re.search(rf"^(async )?def {function}\(", (ROOT / path).read_text(), re.M), test
