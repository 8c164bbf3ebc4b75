"""What one module tells the rules checking the others: small, picklable, and read without the tree."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from asynccheck import patterns
from asynccheck.bindings import exports, read_after_commit
from asynccheck.blocking import Candidate, candidates
from asynccheck.kinds import (
    CREATE_ASYNC_ENGINE,
    CREATE_ENGINE,
    Kind,
    is_state,
    matches,
    type_of,
    value_of,
    yielded_by,
)
from asynccheck.source import Function, Module, dotted_name

TESTCLIENT = {"fastapi.testclient.TestClient", "starlette.testclient.TestClient"}
ASYNC_CLIENT = {"httpx.AsyncClient", "httpx.ASGITransport"}
TYPEVAR = {"typing.TypeVar", "typing_extensions.TypeVar"}
ORM_MODULES = ("sqlalchemy.orm", "sqlalchemy.ext.asyncio", "sqlalchemy.ext.declarative", "sqlmodel")
APPS = {"fastapi.FastAPI", "fastapi.applications.FastAPI"}
# Blocking-call detectors: blockbuster, pyleak, aiodebug (and asyncio's debug mode, below).
DETECTORS = {"blockbuster", "pyleak", "aiodebug", "pytest_blockbuster"}


@dataclass
class TestFacts:
    path: str
    is_conftest: bool
    testclient: tuple[int, int] | None = None  # where TestClient is imported
    async_client: bool = False  # builds an httpx.AsyncClient or an ASGITransport
    blockbuster: bool = False  # imports the blocking-call detector


# Decorators that leave an async def a coroutine function; under any other the checker cannot tell.
PLAIN_DECORATORS = {"staticmethod", "classmethod", "abstractmethod", "override", "wraps"}
EAGER_OPTIONS = {
    "selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager", "defaultload",
}  # fmt: skip


@dataclass(slots=True)
class FunctionFacts:
    """A module-level function or a method of a module-level class, as calls to it from elsewhere see it."""

    line: int
    is_async: bool
    generator: bool  # async def with yield: an async generator, not a coroutine
    plain: bool  # no decorator that may change what calling it gives
    task: bool = False  # a Celery task (`@celery_app.task`, `@shared_task`)
    blocking: list[Candidate] = field(default_factory=list)  # a def: the calls in it that may block
    callees: list[str] = field(default_factory=list)  # a def: what it calls (qualified names)

    def __reduce__(self) -> tuple[type[FunctionFacts], tuple[object, ...]]:
        """Pickled as the call that makes it: the facts of every function go from each worker process to
        the others (asynccheck.workers), and this is several times faster than a slotted dataclass's state."""
        args = (self.line, self.is_async, self.generator, self.plain, self.task, self.blocking, self.callees)
        return FunctionFacts, args


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
    path: str = ""
    functions: dict[str, FunctionFacts] = field(default_factory=dict)  # "name" or "Class.method"
    fields: dict[str, list[str]] = field(default_factory=dict)  # class -> its annotated attributes
    eager: set[str] = field(default_factory=set)  # relationship attributes named in eager-load options
    read_after_commit: tuple[int, str] | None = None  # (line, text) of an attribute read after commit()
    libraries: set[str] = field(default_factory=set)  # top-level packages imported
    exec_calls: bool = False  # awaits `session.exec(...)` (SQLModel's AsyncSession)
    configured: set[str] = field(default_factory=set)  # factories bound later: `X.configure(bind=...)`
    exports: set[str] = field(default_factory=set)  # names bound at module level besides defined and imports
    dynamic: bool = False  # a star import or a module __getattr__: the checker cannot list its names
    lifespan: bool = False  # gives an app a lifespan (FastAPI(lifespan=...), ...) or startup handlers
    app: tuple[int, int] | None = None  # where it makes a FastAPI app (not in a test module)
    alembic_env: bool = False  # Alembic's env.py: imports alembic's context
    sync_engine: bool = False  # makes a sync engine (create_engine, engine_from_config)
    orm: bool = False  # imports SQLAlchemy's ORM or asyncio layer, or SQLModel
    state: dict[str, Kind] = field(default_factory=dict)  # `request.state.db = SessionLocal()`: db -> kind


def facts(module: Module) -> Facts:
    found = Facts(module.name, defined=set(module.defined), imports=dict(module.imports), path=module.path)
    found.backends = set(module.backends)
    found.libraries = {name.partition(".")[0] for name in module.imports.values()}
    for node in module.import_nodes:
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.libraries.add(node.module.partition(".")[0])
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
        key = function.name if function.qualname else f"{function.owner}.{function.name}"
        if function.qualname or (function.owner and function.parent is None):
            found.functions[key] = _function(module, function)
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
    for name, class_node in module.classes.items():
        _class(module, name, class_node, found)
    for call in module.calls_named(*EAGER_OPTIONS):
        for arg in call.node.args:
            if isinstance(arg, ast.Attribute):
                found.eager.add(arg.attr)
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.eager.add(arg.value.rpartition(".")[2])
    found.exec_calls = any(call.awaited for call in module.calls_named("exec"))  # `await session.exec(...)`
    for call in module.calls_named("configure"):
        func = call.node.func
        if isinstance(func, ast.Attribute) and patterns.keyword(call.node, "bind") is not None:
            qualname = module.qualify(func.value, call.function)
            if qualname:
                found.configured.add(qualname)
    found.read_after_commit = read_after_commit(module)
    found.exports, found.dynamic = exports(module)
    found.exports -= found.defined | found.imports.keys()
    found.orm = any(name.startswith(ORM_MODULES) for name in module.imports.values()) or any(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ORM_MODULES)
        for node in module.import_nodes
    )
    for call in module.calls_named("FastAPI", "Starlette"):
        if patterns.keyword(call.node, "lifespan") is not None:
            found.lifespan = True
        elif found.app is None and not module.is_test and module.qualify(call.node.func) in APPS:
            found.app = (call.node.lineno, module.col(call.node))
    if "lifespan_context" in module.text or module.calls_named("on_event", "add_event_handler"):
        found.lifespan = True  # a lifespan, or startup and shutdown handlers (AC302 is about those)
    if any(
        patterns.keyword(call.node, hook) is not None
        for call in module.calls_named("FastAPI", "Starlette")
        for hook in ("on_startup", "on_shutdown")
    ):
        found.lifespan = True
    found.alembic_env = (
        module.path.rpartition("/")[2] == "env.py" and "alembic.context" in module.imports.values()
    )
    found.sync_engine = any(
        matches(module.callee(call), CREATE_ENGINE) for call in module.calls_named("create_engine")
    )
    if ".state." in module.text:
        found.state = _state(module)
    if module.is_test:
        found.test = _test(module)
    return found


def _state(module: Module) -> dict[str, Kind]:
    """What a function puts on a request's or an app's state (`request.state.db = SessionLocal()` in a
    middleware, `app.state.engine = create_engine(...)` in a lifespan): the kind of each name, as the code
    that reads `request.state.db` later sees it."""
    found: dict[str, Kind] = {}
    for function in module.functions:
        for node in ast.walk(function.node):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Attribute) and is_state(target.value):
                    kind = value_of(module, node.value, function)
                    if kind is not None:
                        found.setdefault(target.attr, kind)
    return found


def _function(module: Module, function: Function) -> FunctionFacts:
    node = function.node
    task, plain = False, True
    if node.decorator_list:
        names = [(dotted_name(d.func if isinstance(d, ast.Call) else d) or "") for d in node.decorator_list]
        last = [name.rpartition(".")[2] for name in names]
        task = any(name in ("task", "shared_task") for name in last)
        plain = all(
            name in PLAIN_DECORATORS or (isinstance(d, ast.Call) and name in patterns.ROUTE_METHODS)
            for name, d in zip(last, node.decorator_list, strict=True)
        )
    facts = FunctionFacts(node.lineno, function.is_async, function.generator, plain, task)
    if not function.is_async:
        facts.blocking = candidates(module, function, own_sql=True)
        for call in function.calls:
            if call.deferred:
                continue
            callee = module.callee(call)
            func = call.node.func
            if callee is None and function.owner and isinstance(func, ast.Attribute):
                if isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                    callee = f".{function.owner}.{func.attr}"  # a method of the same class
            if callee:
                facts.callees.append(callee)
    return facts


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
    # CRUDBase[ModelType, CreateSchema, UpdateSchema] is a CRUDBase
    unwrapped = [expr.value if isinstance(expr, ast.Subscript) else expr for expr in node.bases]
    bases = [base for base in (module.qualify(expr) for expr in unwrapped) if base]
    fields = found.fields[name] = []
    collections: dict[str, str] = {}
    relationships: dict[str, str | bool | None] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            target, value = statement.target.id, statement.value
            fields.append(target)
            element = patterns.collection_element(statement.annotation)
            qualname = module.qualify(element) if element is not None else None
            if qualname:
                collections[target] = qualname
        elif isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            target, value = statement.targets[0].id, statement.value
        else:
            continue
        if isinstance(value, ast.Call) and module.call_name(value.func) in patterns.RELATIONSHIP_CALLS:
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
        if any(name.partition(".")[0] in DETECTORS for name in [source, *names]):
            test.blockbuster = True
    if module.calls_named("set_debug") or module.calls_named("slow_callback_duration"):
        test.blockbuster = True  # asyncio's debug mode reports callbacks that hold the loop
    test.async_client = any(
        module.callee(call) in ASYNC_CLIENT for call in module.calls_named("AsyncClient", "ASGITransport")
    )
    return test
