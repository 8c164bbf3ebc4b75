"""The command line: exit codes, output formats, and bad input."""

import json
import subprocess
import sys

from helpers import ROOT, UNTOUCHED, write_app

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


OLD_SETTINGS = "from pydantic import BaseSettings\n"
OLD_SETTINGS_LINE = (
    "main.py:1:22: AC008 `from pydantic import BaseSettings` is Pydantic 1's API: Pydantic 2 moved it to "
    "the pydantic-settings package, and importing it from pydantic there raises PydanticImportError: "
    "`from pydantic_settings import BaseSettings` -> docs/reference/asynccheck.md#ac008"
)


def test_exit_1_and_a_summary_when_something_is_found(run, tmp_path):
    write_app(tmp_path, {**GOOD, "main.py": OLD_SETTINGS})
    result = run(".", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines() == [
        OLD_SETTINGS_LINE,
        "completed: none; next: 00 (The synchronous baseline); nothing to do yet for: 01 02 03 04 05 06 07",
        "checked 2 Python files: 1 error (by stage 00: 1)",
    ]


def test_advice_comes_after_the_errors_and_holds_no_stage_back(run, tmp_path):
    write_app(tmp_path, {**GOOD, "main.py": "from sqlalchemy.future import select\n" + OLD_SETTINGS})
    result = run(".", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines() == [
        OLD_SETTINGS_LINE.replace(":1:22:", ":2:22:"),
        "main.py:1:1: AC001 (advice) `sqlalchemy.future` is a leftover of SQLAlchemy 1.4: import select from "
        "sqlalchemy -> docs/reference/asynccheck.md#ac001",
        "completed: none; next: 00 (The synchronous baseline); nothing to do yet for: 01 02 03 04 05 06 07; "
        "advice for: 00",
        "checked 2 Python files: 1 error (by stage 00: 1), 1 advice (by stage 00: 1)",
    ]
    write_app(tmp_path, {**GOOD, "main.py": "from sqlalchemy.future import select\n"})
    result = run(".", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines()[-2:] == [
        "completed: 00 01 02 03 04 05 06 07: every stage is complete; advice for: 00",
        "checked 2 Python files: 1 advice (by stage 00: 1)",
    ]
    document = json.loads(run("--format", "json", ".", cwd=tmp_path).out)
    assert [(f["code"], f["severity"]) for f in document["findings"]] == [("AC001", "advice")]
    assert (document["completed"][-1], document["next"]) == ("07", None)


def test_the_summary_reads_as_progress(run, tmp_path):
    """Completed are the stages before next; later stages without a finding are named apart, not completed
    (here stages 03 to 07: the app has no import-time work, relationship, route or handler yet)."""
    result = run(".", cwd=write_app(tmp_path, UNTOUCHED))
    assert result.out.splitlines()[-2] == (
        "completed: 00 01; next: 02 (An async database layer next to the sync one); "
        "nothing to do yet for: 03 04 05 06 07"
    )


def test_json_has_the_same_summary(run, tmp_path):
    document = json.loads(run("--format", "json", ".", cwd=write_app(tmp_path, UNTOUCHED)).out)
    assert (document["completed"], document["next"]) == (["00", "01"], "02")
    assert document["nothing_to_do_yet"] == ["03", "04", "05", "06", "07"]


def test_the_help_explains_the_summary(run):
    result = run("--help")
    assert result.code == 0
    assert "completed                the stages done: every stage before `next`" in result.out
    assert '"completed", "next" and "nothing_to_do_yet"' in result.out
    assert '"completed": null and "nothing_to_do_yet": null' in result.out


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
    assert result.out.splitlines() == [
        "completed: unknown (1 file could not be checked); no finding in the files checked",
        "checked 2 Python files: no findings; 1 could not be checked (see the errors above)",
    ]


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
        {
            "path": "broken.py",
            "line": 1,
            "col": 5,
            "message": "syntax error: '(' was never closed",
            "partial": False,
        }
    ]
    assert (document["findings"], document["next"]) == ([], None)
    assert (document["completed"], document["nothing_to_do_yet"]) == (None, None)


def test_paths_are_printed_as_given(run, tmp_path):
    write_app(tmp_path / "app", {**GOOD, "main.py": OLD_SETTINGS})
    assert run("app/", cwd=tmp_path).out.startswith("app/main.py:1:22: AC008")
    assert run("./app/main.py", cwd=tmp_path).out.startswith("app/main.py:1:22: AC008")


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


DATABASES_APP = {
    "requirements.txt": "fastapi\ndatabases[asyncpg]\nsqlalchemy\n",
    "main.py": """
        import databases
        import sqlalchemy
        from fastapi import FastAPI

        database = databases.Database("postgresql://app@db/app")
        metadata = sqlalchemy.MetaData()
        notes = sqlalchemy.Table("notes", metadata, sqlalchemy.Column("id", sqlalchemy.Integer))
        app = FastAPI()

        @app.get("/notes")
        async def read_notes():
            return await database.fetch_all(notes.select())
    """,
}


def test_an_app_on_the_databases_library_is_out_of_scope(run, tmp_path):
    """No SQLAlchemy session anywhere: the migration does not apply, and no stage finding is invented."""
    result = run(".", cwd=write_app(tmp_path, DATABASES_APP))
    assert result.code == 0
    assert result.out.splitlines()[0] == (
        "out of scope: the app reaches its database through the `databases` library, not SQLAlchemy's ORM "
        "sessions: the migration this checker follows (sync sessions to AsyncSession) does not apply, and it "
        "has nothing to judge"
    )
    document = json.loads(run("--format", "json", ".", cwd=tmp_path).out)
    assert (document["findings"], document["completed"], document["next"]) == ([], None, None)
    assert document["out_of_scope"].startswith("the app reaches its database through the `databases` library")


def test_an_orm_app_that_imports_asyncpg_is_in_scope(run, tmp_path):
    files = {**DATABASES_APP, "db.py": "import asyncpg\nfrom sqlalchemy.orm import Session\n"}
    assert not run(".", cwd=write_app(tmp_path, files)).out.startswith("out of scope")
