"""A file that does not parse: it is named, the other files are still checked, and the verdict says it is
incomplete instead of claiming stages done."""

import json
import shutil

from helpers import UNTOUCHED, write_app
from tools import stages as manifest

BROKEN = "\ndef broken(:\n    pass\n"  # a syntax error, appended to a stage's main.py


def stage_with_a_syntax_error(tmp_path, stage):
    app = shutil.copytree(stage.path, tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    with (app / "main.py").open("a", encoding="utf-8") as main:
        main.write(BROKEN)
    return app


def test_a_file_that_does_not_parse_leaves_the_completed_stages_unknown(run, tmp_path):
    """The unparsed main.py may hold a finding of any stage: no stage is named done, or with nothing to do."""
    app = stage_with_a_syntax_error(tmp_path, manifest.load()[0])
    result = run(".", cwd=app)
    assert result.code == 2
    assert result.err.startswith("main.py:")
    assert ": error: syntax error: invalid syntax" in result.err
    summary = result.out.splitlines()[-2]
    assert summary == (
        "completed: unknown (1 file checked only in part), THE VERDICT IS INCOMPLETE; "
        "next: 01 (Install the async drivers); advice for: 04"
    )
    document = json.loads(run("--format", "json", ".", cwd=app).out)
    assert (document["completed"], document["next"], document["nothing_to_do_yet"]) == (None, "01", None)


def test_a_file_that_does_not_parse_in_the_last_stage_but_one(run, tmp_path):
    """Without the error, every stage but the last is completed; with it, none is claimed."""
    *earlier, stage, last = manifest.load()
    done = " ".join(earlier_stage.number for earlier_stage in [*earlier, stage])
    untouched = run(".", cwd=stage.path).out.splitlines()[-2]
    assert untouched == f"completed: {done}; next: {last.number} (Testing the async app)"
    result = run(".", cwd=stage_with_a_syntax_error(tmp_path, stage))
    assert result.code == 2
    assert result.out.splitlines()[-2] == (
        "completed: unknown (1 file checked only in part), THE VERDICT IS INCOMPLETE; "
        f"next: {last.number} (Testing the async app)"
    )
    assert "AC701" in result.out  # the project rules still judge the files that were found


def test_two_files_that_do_not_parse(run, tmp_path):
    write_app(tmp_path, {**UNTOUCHED, "a.py": "x = (\n", "b.py": "def f(:\n"})
    result = run(".", cwd=tmp_path)
    summary = result.out.splitlines()[-2]
    assert summary.startswith("completed: unknown (2 files could not be checked); next: 02")


def test_no_project_rule_when_no_file_parsed(run, tmp_path):
    """No requirements file and no tests would be AC103 and AC701, but nothing was read to judge."""
    write_app(tmp_path, {"main.py": "def broken(:\n    pass\n"})
    result = run(".", cwd=tmp_path)
    assert result.code == 2
    assert result.out.splitlines() == [
        "no Python file could be checked",
        "checked 0 Python files: no findings; 1 could not be checked (see the errors above)",
    ]
    document = json.loads(run("--format", "json", ".", cwd=tmp_path).out)
    assert (document["completed"], document["next"], document["nothing_to_do_yet"]) == (None, None, None)


def test_project_rules_when_one_file_parsed(run, tmp_path):
    write_app(tmp_path, {"main.py": "def broken(:\n    pass\n", "ok.py": "x = 1\n"})
    result = run(".", cwd=tmp_path)
    codes = [line.split()[1] for line in result.out.splitlines() if ": AC" in line]
    assert codes == ["AC701", "AC103"]  # the error, then the advice
    assert "checked 1 Python file: 1 error (by stage 07: 1), 1 advice (by stage 01: 1)" in result.out
