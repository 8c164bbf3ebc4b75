"""Stage 00 rules for APIs that today's libraries deprecate: Pydantic 1's, SQLAlchemy 1's. Each rule has a
case where it fires and one where it must stay silent; the Pydantic ones stay silent wherever the checker
cannot tell that the object is a Pydantic model. The cases are helpers.OLD_API_CASES, which
test_rules_05_to_07.py reads too."""

import pytest

from asynccheck import check
from helpers import write_app
from old_api_cases import LEGACY_GET, OLD_API_CASES, crud


@pytest.mark.parametrize(("code", "expected", "files"), OLD_API_CASES)
def test_rule(tmp_path, code, expected, files):
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    found = [finding.code for finding in report.findings]
    assert (code in found) == expected, report.findings


def test_the_messages_name_the_replacement(tmp_path):
    files = crud("shape: schemas.Shape, row", "shape.dict(exclude_unset=True)\nschemas.Square.from_orm(row)")
    files["crud.py"] = LEGACY_GET.format(call="db.query(User).get(key)")
    files["shapes/schemas.py"] += "class Circle(Shape):\n    class Config:\n        orm_mode = True\n"
    report = check([str(write_app(tmp_path, files))])
    assert report.errors == []
    messages = {finding.message for finding in report.findings}
    assert {
        "`shape.dict(...)` is Pydantic 1's API: Pydantic 2 warns PydanticDeprecatedSince20 for it, which "
        "`filterwarnings = error` makes an error; use `shape.model_dump()`",
        "`schemas.Square.from_orm(row)` is Pydantic 1's API: Pydantic 2 warns PydanticDeprecatedSince20 for "
        "it, which `filterwarnings = error` makes an error; use "
        "`schemas.Square.model_validate(row, from_attributes=True)`",
        "`db.query(User).get(key)` is legacy in SQLAlchemy 2 (LegacyAPIWarning, an error under "
        "filterwarnings = error): use `db.get(User, key)`",
        "`class Config` in Pydantic model `Circle` is Pydantic 1's: Pydantic 2 warns "
        "PydanticDeprecatedSince20 when the class is defined, which `filterwarnings = error` makes an error; "
        "use `model_config = ConfigDict(...)` (orm_mode is from_attributes in Pydantic 2)",
    } <= messages


def test_an_awaited_exec_of_sqlmodel(tmp_path):
    """SQLModel's AsyncSession.exec() returns a coroutine, like execute()."""
    main = (
        "from sqlmodel.ext.asyncio.session import AsyncSession\n"
        "async def count(db: AsyncSession, q):\n    a = db.exec(q)\n    b = await db.exec(q)\n"
    )
    findings = check([str(write_app(tmp_path, {"main.py": main}))]).findings
    assert [(f.code, f.line) for f in findings if f.code == "AC504"] == [("AC504", 3)]
