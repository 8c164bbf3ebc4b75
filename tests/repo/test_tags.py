"""`nox -s tags` builds the same linear, tagged history every time, and each tag diff is one stage diff."""

import subprocess
from pathlib import Path

import pytest

from tools import stages, tags

STAGES = stages.load()


def git(clone: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=clone, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clone") / "repo"
    subprocess.run(["git", "clone", "--quiet", str(stages.ROOT), str(path)], check=True)
    tags.build(cwd=path)
    return path


def test_history_is_linear_with_one_tagged_commit_per_stage(clone):
    commits = git(clone, "rev-list", "--parents", tags.BRANCH).splitlines()
    assert len(commits) == len(STAGES)
    assert all(len(line.split()) <= 2 for line in commits)  # no merges
    newest_first = [line.split()[0] for line in commits]
    tagged = [git(clone, "rev-parse", tags.tag_name(stage)).strip() for stage in reversed(STAGES)]
    assert newest_first == tagged


def test_each_tag_holds_its_stage_at_the_fixed_path(clone):
    for stage in STAGES:
        tagged = git(clone, "rev-parse", f"{tags.tag_name(stage)}:{tags.APP_PATH}").strip()
        assert tagged == git(clone, "rev-parse", f"HEAD:stages/{stage.dir}").strip()
        templates = git(clone, "rev-parse", f"{tags.tag_name(stage)}:shared_templates").strip()
        assert templates == git(clone, "rev-parse", "HEAD:shared_templates").strip()


@pytest.mark.parametrize("index", range(1, len(STAGES)), ids=[stage.number for stage in STAGES[1:]])
def test_tag_diff_equals_the_directory_diff(clone, index):
    before, after = STAGES[index - 1], STAGES[index]
    tag_diff = git(clone, "diff", tags.tag_name(before), tags.tag_name(after))
    dir_diff = git(clone, "diff", f"HEAD:stages/{before.dir}", f"HEAD:stages/{after.dir}")
    assert tag_diff
    assert tag_diff.replace(f"{tags.APP_PATH}/", "") == dir_diff


def test_rebuilding_gives_the_same_shas(clone):
    first = {stage: git(clone, "rev-parse", tags.tag_name(stage)).strip() for stage in STAGES}
    again = tags.build(cwd=clone)
    assert again == {tags.tag_name(stage): sha for stage, sha in first.items()}
