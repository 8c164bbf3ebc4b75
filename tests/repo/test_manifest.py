"""The manifest and the stage directories agree, and each stage is its predecessor plus one step."""

import filecmp
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tools import stages

IGNORED = ["__pycache__", "*.pyc", "*.db", "*.db-*", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".nox"]
STAGES = stages.load()
PAIRS = [(stages.previous(stage), stage) for stage in STAGES if stages.previous(stage)]


def files(root: Path) -> set[str]:
    found = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        ignored = any(fnmatch(part, pattern) for part in relative.parts for pattern in IGNORED)
        if path.is_file() and not ignored:
            found.add(relative.as_posix())
    return found


def changed_files(before: Path, after: Path) -> set[str]:
    old, new = files(before), files(after)
    changed = old ^ new
    for name in old & new:
        if not filecmp.cmp(before / name, after / name, shallow=False):
            changed.add(name)
    return changed


def test_every_stage_directory_is_in_the_manifest():
    on_disk = {path.name for path in stages.STAGES_DIR.iterdir() if path.is_dir()}
    assert on_disk == {stage.dir for stage in STAGES}


def test_manifest_entries_are_ordered_and_unique():
    numbers = [stage.number for stage in STAGES]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert len({stage.section for stage in STAGES}) == len(STAGES)


def test_the_first_stage_is_the_one_golden_stage():
    assert [stage for stage in STAGES if stage.golden] == [STAGES[0]]


@pytest.mark.parametrize("stage", STAGES, ids=[stage.number for stage in STAGES])
def test_every_stage_is_a_complete_app(stage):
    assert {"main.py", "database.py", "models.py", "schemas.py", "requirements.txt"} <= files(stage.path)


@pytest.mark.parametrize(("before", "after"), PAIRS, ids=[after.number for _, after in PAIRS])
def test_stage_diff_is_one_step(before, after):
    changed = changed_files(before.path, after.path)
    assert changed, f"{after.dir} is identical to {before.dir}: a stage must add one step"
    outside = sorted(name for name in changed if not any(fnmatch(name, glob) for glob in after.may_change))
    assert not outside, f"{after.dir} changes files its manifest entry does not allow: {outside}"


def test_the_diff_check_can_fail(tmp_path):
    before, after = tmp_path / "a", tmp_path / "b"
    for root in (before, after):
        root.mkdir()
        (root / "main.py").write_text("print('same')\n")
    assert changed_files(before, after) == set()
    (after / "models.py").write_text("extra\n")
    (after / "main.py").write_text("print('changed')\n")
    assert changed_files(before, after) == {"main.py", "models.py"}
