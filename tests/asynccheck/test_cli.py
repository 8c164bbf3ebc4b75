"""The command line: exit codes, output formats, and bad input."""

import json
import subprocess
import sys

from conftest import ROOT, write_app

GOOD = {
    "requirements.txt": "sqlalchemy[asyncio]\naiosqlite\n",
    "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "tests/conftest.py": "import blockbuster\n",
}


def test_exit_0_when_nothing_is_found(run, tmp_path):
    result = run(str(write_app(tmp_path, GOOD)))
    assert result.code == 0
    assert result.out.splitlines() == [
        "completed: 00 01 02 03 04 05 06 07: every stage is complete",
        "checked 2 Python files: no findings",
    ]


def test_exit_1_and_a_summary_when_something_is_found(run, tmp_path):
    write_app(tmp_path, {**GOOD, "main.py": "from sqlalchemy.future import select\n"})
    result = run(".", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines() == [
        "main.py:1:1: AC001 `sqlalchemy.future` is a leftover of SQLAlchemy 1.4: import select from "
        "sqlalchemy -> MIGRATION.md#mistakes-in-the-tutorial",
        "completed: 01 02 03 04 05 06 07; next: 00 (The synchronous baseline)",
        "checked 2 Python files: 1 finding (by stage 00: 1)",
    ]


def test_exit_2_on_a_usage_error(run):
    result = run("--format", "yaml", ".")
    assert result.code == 2
    assert "invalid choice" in result.err
    assert run().code == 2


def test_a_syntax_error_is_named_and_the_other_files_are_still_checked(run, tmp_path):
    write_app(tmp_path, {**GOOD, "broken.py": "def f(:\n    pass\n", "old.py": "import sqlalchemy.future\n"})
    result = run(".", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "broken.py:1:7: error: syntax error: invalid syntax\n"
    assert "old.py:1:8: AC001" in result.out
    assert "1 could not be checked" in result.out


def test_a_file_that_is_not_utf8(run, tmp_path):
    write_app(tmp_path, GOOD)
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\nx = 1\n")
    result = run(".", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "latin.py:1:1: error: not valid UTF-8 (byte 0xe9); save it as UTF-8\n"


def test_a_coding_declaration_is_honoured(run, tmp_path):
    write_app(tmp_path, GOOD)
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n")
    assert run(".", cwd=tmp_path).code == 0


def test_columns_count_characters(run, tmp_path):
    write_app(tmp_path, {**GOOD, "main.py": "é = 1; from sqlalchemy.future import select\n"})
    assert run(".", cwd=tmp_path).out.startswith("main.py:1:8: AC001")


def test_a_missing_path(run, tmp_path):
    write_app(tmp_path, GOOD)
    result = run(".", "nowhere", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "nowhere: error: no such file or directory\n"
    assert "checked 2 Python files" in result.out


def test_a_directory_without_python_files(run, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("nothing here\n")
    result = run("notes", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "notes: error: no Python file in this directory\n"
    assert result.out.splitlines()[0] == "no Python file could be checked"


def test_json_lists_the_errors(run, tmp_path):
    write_app(tmp_path, {**GOOD, "broken.py": "x = (\n"})
    document = json.loads(run("--format", "json", ".", cwd=tmp_path).out)
    assert document["errors"] == [
        {"path": "broken.py", "line": 1, "col": 5, "message": "syntax error: '(' was never closed"}
    ]
    assert (document["findings"], document["next"]) == ([], None)


def test_paths_are_printed_as_given(run, tmp_path):
    write_app(tmp_path / "app", {**GOOD, "main.py": "from sqlalchemy.future import select\n"})
    assert run("app/", cwd=tmp_path).out.startswith("app/main.py:1:1: AC001")
    assert run("./app/main.py", cwd=tmp_path).out.startswith("app/main.py:1:1: AC001")


def test_python_dash_m(tmp_path):
    write_app(tmp_path, GOOD)
    command = [sys.executable, "-m", "asynccheck", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert "every stage is complete" in result.stdout


def test_odd_but_valid_source_is_checked(run, tmp_path):
    odd = 'PATTERN = "\\ud800-\\udfff"\nALIAS = "not an annotation ("\ndef f(x: "Session"): pass\n'
    write_app(tmp_path, {**GOOD, "odd.py": odd})
    assert run(".", cwd=tmp_path).code == 0


def test_a_bug_in_a_rule_names_the_file_and_checks_the_others(run, tmp_path, monkeypatch):
    from asynccheck.rules import baseline

    def broken(module, index):
        if module.path == "main.py":
            raise ValueError("a bug")
        yield from ()

    monkeypatch.setattr(baseline, "check", broken)
    write_app(
        tmp_path,
        {**GOOD, "models.py": "from sqlalchemy.orm import relationship\nposts = relationship('Post')\n"},
    )
    result = run(".", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("main.py: error: asynccheck failed on this file (ValueError('a bug'))")
    assert "models.py:2:9: AC401" in result.out
    assert "checked 3 Python files" in result.out
