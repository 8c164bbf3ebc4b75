"""What one module tells the rules checking the others: small, picklable, and read without the tree."""

import ast
from dataclasses import dataclass, field

from asynccheck import patterns
from asynccheck.kinds import CREATE_ASYNC_ENGINE, Kind, matches, type_of, value_of, yielded_by
from asynccheck.source import Function, Module

TESTCLIENT = {"fastapi.testclient.TestClient", "starlette.testclient.TestClient"}
ASYNC_CLIENT = {"httpx.AsyncClient", "httpx.ASGITransport"}
TYPEVAR = {"typing.TypeVar", "typing_extensions.TypeVar"}


@dataclass
class TestFacts:
    path: str
    is_conftest: bool
    testclient: tuple[int, int] | None = None  # where TestClient is imported
    async_client: bool = False  # builds an httpx.AsyncClient or an ASGITransport
    blockbuster: bool = False  # imports the blocking-call detector


@dataclass
class Facts:
    module: str
    values: dict[str, Kind] = field(default_factory=dict)  # module-level name -> symbolic kind of its value
    types: dict[str, Kind] = field(
        default_factory=dict
    )  # module-level name -> symbolic kind of an instance of it
    yields: dict[str, Kind] = field(
        default_factory=dict
    )  # module-level function -> symbolic kind it yields or returns
    defined: set[str] = field(default_factory=set)  # every module-level name
    imports: dict[str, str] = field(default_factory=dict)  # to follow a name imported from elsewhere
    async_engine: bool = False  # calls create_async_engine
    backends: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)
    handlers: set[str] = field(default_factory=set)  # registered by a call, not by a decorator
    schemas: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)  # bases, collections
    relationships: dict[str, dict[str, str | bool | None]] = field(
        default_factory=dict
    )  # class -> {attribute: lazy}
    bounds: dict[str, str] = field(default_factory=dict)  # `T = TypeVar("T", bound=Model)` -> Model
    routes: list[tuple[list[str], list[str]]] = field(default_factory=list)  # response models, callees
    test: TestFacts | None = None


def facts(module: Module) -> Facts:
    found = Facts(module.name, defined=set(module.defined), imports=dict(module.imports))
    found.backends = set(module.backends)
    for name, binding in module.globals.items():
        value = value_of(module, binding.value, None)
        if value is not None:
            found.values[name] = value
        bound = _bound(module, binding.value)
        if bound:
            found.bounds[name] = bound
        is_alias = isinstance(binding.value, (ast.Name, ast.Attribute, ast.Subscript, ast.BinOp))
        kind = type_of(module, binding.value) if is_alias else None
        if kind is not None:
            found.types[name] = kind
    for function in module.functions:
        if function.qualname:
            kind = yielded_by(module, function)
            if kind is not None:
                found.yields[function.name] = kind
            if patterns.route_decorators(function):
                found.routes.append((patterns.response_models(module, function), _callees(module, function)))
    found.async_engine = any(
        matches(module.callee(call), CREATE_ASYNC_ENGINE)
        for call in module.calls_named("create_async_engine")
    )
    found.dependencies = patterns.dependencies(module)
    found.handlers = patterns.registered_handlers(module)
    for name, node in module.classes.items():
        _class(module, name, node, found)
    if module.is_test:
        found.test = _test(module)
    return found


def _bound(module: Module, value: ast.expr | None) -> str | None:
    """The bound of a TypeVar: CRUD base classes take their schemas as `TypeVar(..., bound=BaseModel)`."""
    if isinstance(value, ast.Call) and module.qualify(value.func) in TYPEVAR:
        bound = next((item.value for item in value.keywords if item.arg == "bound"), None)
        if isinstance(bound, ast.Constant) and isinstance(bound.value, str):
            bound = ast.Name(bound.value)
        return module.qualify(bound) if isinstance(bound, (ast.Name, ast.Attribute)) else None
    return None


def _callees(module: Module, function: Function) -> list[str]:
    return [name for call in function.calls if (name := module.callee(call))]


def _class(module: Module, name: str, node: ast.ClassDef, found: Facts) -> None:
    bases = [base for base in (module.qualify(expr) for expr in node.bases) if base]
    collections: dict[str, str] = {}
    relationships: dict[str, str | bool | None] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            target, value = statement.target.id, statement.value
            element = patterns.collection_element(statement.annotation)
            qualname = module.qualify(element) if element is not None else None
            if qualname:
                collections[target] = qualname
        elif isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            target, value = statement.targets[0].id, statement.value
        else:
            continue
        if isinstance(value, ast.Call):
            lazy = patterns.lazy_of(value, module.qualify(value.func))
            if lazy is not None:
                relationships[target] = lazy if isinstance(lazy, (str, bool)) else None
    found.schemas[name] = (bases, collections)
    if relationships:
        found.relationships[name] = relationships


def _test(module: Module) -> TestFacts:
    test = TestFacts(module.path, module.path.rpartition("/")[2] == "conftest.py")
    for node in module.import_nodes:
        names = [alias.name for alias in node.names]
        source = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        qualnames = [f"{source}.{name}" if source else name for name in names]
        if test.testclient is None and any(name in TESTCLIENT for name in qualnames):
            test.testclient = (node.lineno, module.col(node))
        if any(name.partition(".")[0] == "blockbuster" for name in [source, *names]):
            test.blockbuster = True
    test.async_client = any(
        module.callee(call) in ASYNC_CLIENT for call in module.calls_named("AsyncClient", "ASGITransport")
    )
    return test
