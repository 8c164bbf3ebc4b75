"""Stage 00's rule cases as data (APIs that today's libraries deprecate): a code, a small app, fire or not.

test_rules_00_old_apis.py runs them; test_rules_05_to_07.py reads them too, to check that every code has a
case that fires it and one where it stays silent.
"""

from helpers import fires, silent

# Stage 00: APIs that today's libraries deprecate (Pydantic 1's, SQLAlchemy 1's).

SCHEMAS = """\
from pydantic import BaseModel, ConfigDict

class Shape(BaseModel):
    sides: int

class Square(Shape):
    model_config = ConfigDict(from_attributes=True)
"""


def with_schemas(main: str, schemas: str = SCHEMAS) -> dict[str, str]:
    return {"shapes/schemas.py": schemas, "shapes/main.py": main, "shapes/__init__.py": ""}


def crud(signature: str, body: str) -> dict[str, str]:
    """A crud function of the shapes app that takes what signature says and runs body."""
    text = "from typing import Annotated, Optional, Union\nfrom shapes import schemas\n\n"
    text += f"def save({signature}):\n"
    return with_schemas(text + "".join(f"    {line}\n" for line in body.splitlines()))


ROUTE = (
    "from fastapi import FastAPI\nfrom shapes.schemas import Square\napp = FastAPI()\n"
    "@app.post('/squares')\ndef add(square: Square):\n    return {body}\n"
)
LEGACY_GET = "def read(db, key):\n    return {call}\n"

OLD_API_CASES = [
    # AC002: every function sqlalchemy.ext.declarative moved to sqlalchemy.orm
    fires("AC002", {"db.py": "from sqlalchemy.ext.declarative import as_declarative\n"}, "as-declarative"),
    silent("AC002", {"db.py": "from sqlalchemy.orm import as_declarative, declared_attr\n"}, "from-orm"),
    # AC004: Pydantic 1's model methods, where the receiver is known to be a model of the project
    fires("AC004", crud("shape: schemas.Square", "return dict(**shape.dict())"), "annotated-param"),
    fires("AC004", crud("shape: 'schemas.Square'", "return shape.json(exclude_unset=True)"), "string-ann"),
    fires("AC004", crud("shape: Optional[schemas.Square]", "return shape.copy()"), "optional"),
    fires("AC004", crud("shape: schemas.Shape | None = None", "return shape.dict()"), "union-none"),
    fires("AC004", crud("shape: Union[schemas.Shape, dict]", "return shape.dict()"), "union-dict"),
    fires("AC004", crud("", "shape = schemas.Square(sides=4)\nreturn shape.dict()"), "constructed"),
    fires("AC004", crud("row", "return schemas.Square.from_orm(row)"), "from-orm"),
    fires("AC004", crud("data", "return schemas.Shape.parse_obj(data).dict()"), "parse-obj"),
    fires("AC004", with_schemas(ROUTE.format(body="square.dict()")), "route-body"),
    silent("AC004", with_schemas(ROUTE.format(body="square.model_dump()")), "model-dump"),
    fires(
        "AC004",
        with_schemas(
            "from typing import TypeVar, Union\nfrom pydantic import BaseModel\n"
            "UpdateSchema = TypeVar('UpdateSchema', bound=BaseModel)\n"
            "def update(changes: Union[UpdateSchema, dict]):\n    return changes.dict(exclude_unset=True)\n"
        ),
        "typevar-bound",
    ),
    silent("AC004", crud("shape", "return shape.dict()"), "unannotated"),
    silent("AC004", crud("shape: dict", "return shape.copy()"), "a-dict"),
    silent("AC004", crud("shape: Union[schemas.Shape, dict]", "return shape.copy()"), "union-dict-copy"),
    silent("AC004", crud("shapes: list[schemas.Shape]", "return shapes.copy()"), "list-of-models"),
    silent("AC004", crud("shape: schemas.Shape", "return shape.json(2)"), "positional-argument"),
    silent("AC004", crud("client", "response = client.get('/')\nreturn response.json()"), "response-json"),
    silent(
        "AC004",
        with_schemas(
            "from shapes.schemas import Shape\nshape = Shape(sides=3)\n"
            "def f(rows):\n    for shape in rows:\n        shape.copy()\n"
        ),
        "loop-variable-shadows-a-model",
    ),
    silent(
        "AC004",
        with_schemas(
            "from shapes.schemas import Old\ndef f(old: Old):\n    return old.dict()\n",
            "from pydantic.v1 import BaseModel\nclass Old(BaseModel):\n    x: int\n",
        ),
        "pydantic-v1-model",
    ),
    # AC005: Query.get()
    fires("AC005", {"crud.py": LEGACY_GET.format(call="db.query(User).get(key)")}, "query-get"),
    silent("AC005", {"crud.py": LEGACY_GET.format(call="db.get(User, key)")}, "session-get"),
    silent("AC005", {"crud.py": LEGACY_GET.format(call="db.query('a > 1').get('b')")}, "pandas-query"),
    silent("AC005", {"crud.py": LEGACY_GET.format(call="db.query_params.get(key)")}, "dict-get"),
    # AC006: class Config in a Pydantic model
    fires(
        "AC006",
        with_schemas("", SCHEMAS + "class Circle(Shape):\n    class Config:\n        orm_mode = True\n"),
        "config-class",
    ),
    silent("AC006", with_schemas(""), "model-config"),
    silent(
        "AC006",
        with_schemas("", SCHEMAS + "class Table:\n    class Config:\n        name = 't'\n"),
        "not-a-model",
    ),
    # AC007: Pydantic 1 names imported from pydantic
    fires("AC008", {"config.py": "from pydantic import BaseSettings\n"}, "base-settings"),
    silent("AC008", {"config.py": "from pydantic_settings import BaseSettings\n"}, "pydantic-settings"),
    fires("AC007", {"schemas.py": "from pydantic import BaseModel, validator\n"}, "validator"),
    silent("AC007", {"config.py": "from pydantic_settings import BaseSettings\n"}, "pydantic-settings"),
    silent("AC007", {"schemas.py": "from pydantic import BaseModel, field_validator\n"}, "field-validator"),
    silent("AC007", {"schemas.py": "from pydantic.v1 import validator\n"}, "pydantic-v1"),
    # AC501 does not take pandas' query for SQLAlchemy's
    silent("AC501", {"report.py": "def f(df):\n    return df.query('price > 10')\n"}, "pandas-query"),
]
