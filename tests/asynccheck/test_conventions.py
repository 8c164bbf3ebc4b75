"""Linter conventions: `# noqa`, [tool.asynccheck] in pyproject.toml, --select and --ignore, exit codes."""

import json

from helpers import write_app

APP = {
    "requirements.txt": "sqlalchemy[asyncio]\naiosqlite\n",
    "tests/conftest.py": "import blockbuster\n",
    "app/__init__.py": "",
    "app/main.py": "import time\n\nasync def slow():\n    time.sleep(1)\n",
    "app/models.py": "from sqlalchemy.orm import relationship\n\nposts = relationship('Post')\n",
}


def codes(result) -> list[str]:
    return [line.split()[1] for line in result.out.splitlines() if ": AC" in line]


def test_without_settings_both_are_found(run, tmp_path):
    result = run(".", cwd=write_app(tmp_path, APP))
    assert (result.code, codes(result)) == (1, ["AC507", "AC401"])


def test_noqa_with_the_code_hides_that_line(run, tmp_path):
    files = {**APP, "app/main.py": APP["app/main.py"].replace("sleep(1)", "sleep(1)  # noqa: AC507")}
    assert codes(run(".", cwd=write_app(tmp_path, files))) == ["AC401"]


def test_noqa_with_another_code_hides_nothing(run, tmp_path):
    files = {**APP, "app/main.py": APP["app/main.py"].replace("sleep(1)", "sleep(1)  # noqa: AC401, E501")}
    assert codes(run(".", cwd=write_app(tmp_path, files))) == ["AC507", "AC401"]


def test_bare_noqa_ac_hides_every_code(run, tmp_path):
    files = {
        **APP,
        "app/main.py": APP["app/main.py"].replace("sleep(1)", "sleep(1)  # noqa: AC"),
        "app/models.py": APP["app/models.py"].replace("('Post')", "('Post')  # NOQA"),
    }
    result = run(".", cwd=write_app(tmp_path, files))
    assert (result.code, codes(result)) == (0, [])


def test_select_and_ignore_on_the_command_line(run, tmp_path):
    write_app(tmp_path, APP)
    assert codes(run("--select", "AC4", ".", cwd=tmp_path)) == ["AC401"]
    assert codes(run("--ignore", "AC401", ".", cwd=tmp_path)) == ["AC507"]
    result = run("--select", "AC5,AC4", "--ignore", "AC5", ".", cwd=tmp_path)
    assert codes(result) == ["AC401"]
    assert result.code == 1


def test_a_bad_code_is_a_usage_error(run, tmp_path):
    result = run("--select", "E501", ".", cwd=write_app(tmp_path, APP))
    assert result.code == 2
    assert "not a code or a prefix of one: 'E501'" in result.err


def test_pyproject_settings(run, tmp_path):
    pyproject = """
        [project]
        name = "app"
        dependencies = ["sqlalchemy[asyncio]", "aiosqlite"]

        [tool.asynccheck]
        ignore = ["AC4"]
        exclude = ["legacy"]
        per-file-ignores = {"app/jobs.py" = ["AC507"]}
    """
    files = {
        **APP,
        "pyproject.toml": pyproject,
        "app/jobs.py": APP["app/main.py"],
        "legacy/old.py": "from sqlalchemy.future import select\n",
    }
    result = run(".", cwd=write_app(tmp_path, files))
    assert [line.split()[0] for line in result.out.splitlines() if ": AC" in line] == ["app/main.py:4:5:"]
    assert "checked 5 Python files" in result.out  # not legacy/old.py
    assert codes(run("--select", "AC4", ".", cwd=tmp_path)) == []  # the file's ignore still holds
    document = json.loads(run("--format", "json", "app", cwd=tmp_path).out)
    found = [(finding["path"], finding["code"]) for finding in document["findings"]]
    assert [item for item in found if item[0].startswith("app/")] == [("app/main.py", "AC507")]


def test_a_wrong_setting_is_named(run, tmp_path):
    files = {**APP, "pyproject.toml": '[tool.asynccheck]\nselect = "AC5"\nfoo = 1\n'}
    result = run(".", cwd=write_app(tmp_path, files))
    assert result.code == 2
    assert "[tool.asynccheck]: select must be a list of strings" in result.err
    assert "[tool.asynccheck]: unknown key foo" in result.err
