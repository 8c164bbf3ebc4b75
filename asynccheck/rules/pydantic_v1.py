"""Stage 00: Pydantic 1's API, which Pydantic 2 deprecates (PydanticDeprecatedSince20, an error under
`filterwarnings = ["error"]`) or no longer has.

Names like dict, json and copy are everywhere (`response.json()`, `headers.copy()`), so a method call is
reported only where the checker can tell that it is made on a Pydantic model of the project: a name
annotated with such a class (a route's body parameter, a crud function's `item: schemas.ItemCreate`), or
built by calling it, or the class itself for parse_obj and the like. Anything else stays silent.
"""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import binding_of
from asynccheck.report import Finding
from asynccheck.source import Function, Module, dotted_name

# instance method -> its Pydantic 2 name; Pydantic 1 took keyword arguments only
INSTANCE = {"dict": "model_dump", "json": "model_dump_json", "copy": "model_copy"}
# class method -> the Pydantic 2 call, with {arg} for the argument
CLASS = {
    "parse_obj": "model_validate({arg})",
    "parse_raw": "model_validate_json({arg})",
    "from_orm": "model_validate({arg}, from_attributes=True)",
}
# class methods that build an instance
BUILDERS = {*CLASS, "model_validate", "model_validate_json", "model_construct", "construct"}
# Types of an annotation that have no dict() or json() method: `obj_in: Union[UserUpdate, dict]` is a model
# wherever `obj_in.dict()` runs, but `obj_in.copy()` may be the dict's.
TYPING = ("", "builtins", "typing", "typing_extensions", "collections.abc")
NO_DICT_METHOD = {"dict", "Dict", "Mapping", "MutableMapping", "list", "List", "str", "bytes", "int", "float"}
WRAPPERS = {"Optional", "Annotated"}
# v1 names imported from pydantic -> what to do instead
IMPORTS = {
    "BaseSettings": "Pydantic 2 moved it to the pydantic-settings package, and importing it from pydantic "
    "there raises PydanticImportError: `from pydantic_settings import BaseSettings`",
    "validator": "Pydantic 2 warns PydanticDeprecatedSince20 for each use: use `field_validator`",
    "root_validator": "Pydantic 2 warns PydanticDeprecatedSince20 for each use: use `model_validator`",
    "parse_obj_as": "Pydantic 2 warns PydanticDeprecatedSince20: use `TypeAdapter(type).validate_python()`",
}

WARNS = "Pydantic 2 warns PydanticDeprecatedSince20 for it, which `filterwarnings = error` makes an error"
METHOD = "`{call}` is Pydantic 1's API: " + WARNS + "; use `{replacement}`"
CONFIG = (
    "`class Config` in Pydantic model `{name}` is Pydantic 1's: Pydantic 2 warns PydanticDeprecatedSince20 "
    "when the class is defined, which `filterwarnings = error` makes an error; use "
    "`model_config = ConfigDict(...)`{renamed}"
)
IMPORT = "`from pydantic import {name}` is Pydantic 1's API: {hint}"


def check(module: Module, index: Index) -> Iterator[Finding]:
    for call in module.calls_named(*INSTANCE, *CLASS):
        finding = _method(module, index, call.node, call.function)
        if finding is not None:
            yield finding
    for name, node in module.classes.items():
        for statement in node.body:
            if isinstance(statement, ast.ClassDef) and statement.name == "Config":
                if index.is_model(f"{module.name}.{name}" if module.name else name):
                    yield module.finding(
                        statement, "AC006", CONFIG.format(name=name, renamed=_renamed(statement))
                    )
    for imported in module.import_nodes:
        if (
            isinstance(imported, ast.ImportFrom)
            and not imported.level
            and imported.module in ("pydantic", "pydantic.main")
        ):
            for alias in imported.names:
                if alias.name in IMPORTS:
                    yield module.finding(
                        alias,
                        "AC008" if alias.name == "BaseSettings" else "AC007",
                        IMPORT.format(name=alias.name, hint=IMPORTS[alias.name]),
                    )


def _method(module: Module, index: Index, node: ast.Call, function: Function | None) -> Finding | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    method, receiver = func.attr, func.value
    if method in INSTANCE:
        if node.args or not _is_instance(module, index, receiver, function, method):
            return None
        arguments = "..." if node.keywords else ""
        replacement = f"{_short(receiver)}.{INSTANCE[method]}()"
    else:
        if len(node.args) != 1 or not index.is_model(module.qualify(receiver, function)):
            return None
        arguments = _short(node.args[0])
        replacement = f"{_short(receiver)}.{CLASS[method].format(arg=arguments)}"
    call = f"{_short(receiver)}.{method}({arguments})"
    return module.finding(node, "AC004", METHOD.format(call=call, replacement=replacement))


def _is_instance(
    module: Module, index: Index, expr: ast.expr, function: Function | None, method: str, depth: int = 0
) -> bool:
    """An instance of a Pydantic model of the project, by its annotation or the call that built it."""
    if depth > 4:
        return False
    if isinstance(expr, ast.Call):
        callee = module.qualify(expr.func, function)
        head, _, builder = (callee or "").rpartition(".")
        return index.is_model(callee) or (builder in BUILDERS and index.is_model(head))
    if not isinstance(expr, ast.Name):
        return False
    found = binding_of(expr.id, function)
    if found is not None:
        scope, binding = found
    elif expr.id in module.globals and not (function and _rebinds(function, expr.id)):
        scope, binding = None, module.globals[expr.id]
    else:
        return False
    if binding.annotation is not None:
        return _annotated(module, index, binding.annotation, scope, method)
    return binding.value is not None and _is_instance(module, index, binding.value, scope, method, depth + 1)


def _annotated(
    module: Module, index: Index, annotation: ast.expr, function: Function | None, method: str
) -> bool:
    """`Model`, `Model | None`, `Optional[Model]`, `Annotated[Model, ...]`: at least one type it allows is a
    model, and every other one is None or a type without the method. A collection of models is not one."""
    models, pending = 0, [annotation]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "Model"
            try:
                node = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError):
                return False
        if isinstance(node, ast.Constant) and node.value is None:
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            pending += [node.left, node.right]
            continue
        base = node.value if isinstance(node, ast.Subscript) else node
        qualname = module.qualify(base, function) if dotted_name(base) else None
        if qualname is None:
            return False
        source, _, name = qualname.rpartition(".")
        generic = source in TYPING
        if isinstance(node, ast.Subscript) and generic and name in (*WRAPPERS, "Union"):
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            pending += args if name == "Union" else args[:1]
        elif isinstance(node, ast.Subscript) or not index.is_model(qualname):
            if not (generic and name in NO_DICT_METHOD and method != "copy"):
                return False
        else:
            models += 1
    return models > 0


def _renamed(config: ast.ClassDef) -> str:
    for statement in config.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        if any(isinstance(target, ast.Name) and target.id == "orm_mode" for target in targets):
            return " (orm_mode is from_attributes in Pydantic 2)"
    return ""


def _rebinds(function: Function, name: str) -> bool:
    """The function binds the name in a way the checker does not record (a for loop, `except ... as`)."""
    for node in ast.walk(function.node):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return True
    return False


def _short(expr: ast.expr) -> str:
    text = ast.unparse(expr)
    return text if len(text) <= 30 else "..."
