"""The test apps, written the way apps look before and during the migration, and their findings.

Each snapshot is the command's whole output, run from tests/asynccheck/apps on the app's folder
(`asynccheck halfway`), so it reads as a reader would see it.
Update them with `nox -s asynccheck -- --snapshot-update`.
"""

import json

import pytest

from helpers import APPS, TextSnapshot


@pytest.fixture
def text_snapshot(snapshot):
    return snapshot.use_extension(TextSnapshot)


def test_tutorial_style(run, text_snapshot):
    result = run("tutorial_style", cwd=APPS)
    assert (result.code, result.err) == (1, "")
    assert result.out == text_snapshot


def test_on_event_handlers(run, text_snapshot):
    result = run("on_event_handlers", cwd=APPS)
    assert (result.code, result.err) == (1, "")
    assert result.out == text_snapshot


def test_halfway(run, text_snapshot):
    result = run("halfway", cwd=APPS)
    assert (result.code, result.err) == (1, "")
    assert result.out == text_snapshot


def test_halfway_as_json(run):
    result = run("--format", "json", "halfway", cwd=APPS)
    document = json.loads(result.out)

    assert result.code == 1
    assert document["completed"] == ["00", "01", "02", "03", "04"]
    assert document["next"] == "05"
    assert document["nothing_to_do_yet"] == ["07"]  # stage 07 has advice only
    assert document["errors"] == []
    first = document["findings"][0]
    assert set(first) == {"path", "line", "col", "code", "stage", "severity", "message", "guide"}
    assert first["severity"] == "error"
    assert [finding["severity"] for finding in document["findings"]][-2:] == ["advice", "advice"]
    assert (first["path"], first["code"], first["stage"]) == ("halfway/app/main.py", "AC505", "05")
    assert first["guide"] == "docs/reference/asynccheck.md#ac505"
    text = run("halfway", cwd=APPS).out.splitlines()
    assert len(text) == len(document["findings"]) + 2  # one line a finding, the summary, the counts
    assert document["out_of_scope"] is None


@pytest.mark.parametrize("app", [".", "already_async"])
def test_the_json_is_what_json_dumps_writes(run, app):
    """The command writes the findings of --format json itself (json's indented output is slow): byte for
    byte what json.dumps(indent=2) writes, on every app at once (quotes in messages, a file that does not
    parse whole) and on one with no finding."""
    output = run("--format", "json", app, cwd=APPS).out
    assert output == json.dumps(json.loads(output), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("jobs", [2, 3])
def test_the_same_findings_from_worker_processes(jobs):
    """However the files are shared between workers, the index is the same: with every app of the corpus
    at once, several modules define the same names, and the first in file order must win in every worker."""
    from asynccheck import check

    alone = check([str(APPS)], jobs=1)
    assert check([str(APPS)], jobs=jobs).findings == alone.findings
