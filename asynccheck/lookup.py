"""Where a name leads in the project: the module that defines it, through the imports of every module (by
their facts), the class it names, and what a symbolic kind (kinds.py) means here."""

import ast
from collections.abc import Iterable

from asynccheck.facts import Facts
from asynccheck.kinds import CALLS, METHODS, Kind, class_kind, value_of
from asynccheck.source import Function, Module, dotted_name, is_local

# The Pydantic 2 classes whose subclasses have the deprecated v1 methods (pydantic.v1.BaseModel has them
# without a warning, so it is not one of them).
PYDANTIC_MODELS = {
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.RootModel",
    "pydantic.root_model.RootModel",
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
}


_UNKNOWN = object()  # not evaluated yet


class Lookup:
    """The names of the project's modules, and the lookups across them (index.Index adds the rest)."""

    def __init__(self, all_facts: list[Facts]) -> None:
        # A module is found by its dotted name and by every tail of it: `from app.database import engine`
        # and `from database import engine` both reach app/database.py, whichever folder was given.
        self.modules: dict[str, Facts] = {}
        for facts in sorted(all_facts, key=lambda facts: facts.module.count(".")):
            parts = facts.module.split(".")
            for start in range(len(parts)):
                self.modules.setdefault(".".join(parts[start:]), facts)
        names = [facts.module for facts in all_facts]
        self.ambiguous = (
            {name for name in names if names.count(name) > 1} if len(set(names)) < len(names) else set()
        )
        # what the project puts on request.state or app.state, by name (the first in file order wins)
        self.state: dict[str, Kind] = {}
        for facts in all_facts:
            for name, kind in facts.state.items():
                self.state.setdefault(name, kind)
        self._kinds: dict[Kind, str | None] = {}
        self._models: dict[str, bool] = {}
        self._fields: dict[str, set[str]] = {}

    def resolve(self, qualname: str | None, depth: int = 0) -> tuple[Facts, str] | None:
        """The module that defines a name, following imports from module to module."""
        if not qualname or depth > 8:
            return None
        module, _, name = qualname.rpartition(".")
        facts = self.modules.get(module)
        if facts is None:
            return None
        if name in facts.defined:
            return facts, name
        if name in facts.imports:
            return self.resolve(facts.imports[name], depth + 1)
        return None

    def follow(self, qualname: str, depth: int = 0) -> str | None:
        """Where a name leads through the project's imports: the module that defines it here, or a name
        outside the project ("pydantic.BaseModel"); None for a name the project does not have."""
        module, _, name = qualname.rpartition(".")
        facts = self.modules.get(module) if module else None
        if facts is None or depth > 8:
            return qualname if facts is None else None
        if name in facts.defined:
            return f"{facts.module}.{name}"
        if name in facts.imports:
            return self.follow(facts.imports[name], depth + 1)
        return None

    def is_model(self, qualname: str | None, depth: int = 0) -> bool:
        """A Pydantic model class: it subclasses BaseModel, directly or through classes of the project (or
        a TypeVar bound to one)."""
        if not qualname or depth > 8:
            return False
        if qualname not in self._models:
            self._models[qualname] = False  # a cycle ends here
            followed = self.follow(qualname)
            found = self.resolve(followed) if followed else None
            if followed in PYDANTIC_MODELS:
                self._models[qualname] = True
            elif found is not None:
                facts, name = found
                bound = facts.bounds.get(name)
                bases = [bound] if bound else facts.schemas.get(name, ([], {}))[0]
                self._models[qualname] = any(self.is_model(base, depth + 1) for base in bases)
        return self._models[qualname]

    def canonical(self, qualname: str | None) -> str | None:
        found = self.resolve(qualname)
        return f"{found[0].module}.{found[1]}" if found else None

    def _canonical_set(self, qualnames: Iterable[str | None]) -> set[str]:
        return {name for name in map(self.canonical, qualnames) if name}

    def kind_of(self, module: Module, expr: ast.expr, function: Function | None) -> str | None:
        """What an expression of a module is (kinds.SESSION, ...), or None when it is none of them."""
        name = dotted_name(expr)
        if name is None:
            return self.kind(value_of(module, expr, function))
        if function is not None and not is_local(name.partition(".")[0], function):
            function = None  # a module-level name: the same in every function of the module
        key = (id(function), name)
        kinds = module.kinds
        if key not in kinds:
            kinds[key] = self.kind(value_of(module, expr, function))
        return kinds[key]

    def kind(self, expr: Kind | None, depth: int = 0) -> str | None:
        """Evaluate a symbolic kind (see kinds.py) against the project."""
        if expr is None or depth > 24:
            return None
        kinds = self._kinds
        known = kinds.get(expr, _UNKNOWN)  # a kind is a tuple of tuples: hashed once, not three times
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        kinds[expr] = None  # a cycle ends here
        kinds[expr] = found = self._evaluate(expr, depth)
        return found

    def _evaluate(self, expr: Kind, depth: int) -> str | None:
        if expr[0] in ("value", "yields"):  # the commonest, which only the last case below matches
            return self._named(expr[0], expr[1], depth)
        match expr:
            case ("is", kind):
                return kind
            case ("first", exprs):
                return next((kind for kind in (self.kind(e, depth + 1) for e in exprs) if kind), None)
            case ("call", ("value", qualname)) if self.class_of(qualname):
                return f"instance:{self.class_of(qualname)}"
            case ("call", inner):
                made = self.kind(inner, depth + 1)
                return CALLS.get(made) if made else None
            case ("method", receiver, method):
                opener = self.kind(receiver, depth + 1)
                return METHODS.get((opener, method)) if opener else None
            case ("type", qualname) if class_kind(qualname):
                return class_kind(qualname)
            case ("type", qualname) if self.class_of(qualname):
                return f"instance:{self.class_of(qualname)}"
            case ("joined", inner):  # `folder / "name"`
                return "pathlib.Path" if self.kind(inner, depth + 1) == "pathlib.Path" else None
            case ("state", name):
                return self.kind(self.state.get(name), depth + 1)
            case (op, qualname):  # "value", "type" or "yields" of a module-level name
                return self._named(op, qualname, depth)

    def _named(self, op: str, qualname: str | None, depth: int) -> str | None:
        """The kind of the value of a module-level name, of an instance of it, or of what it yields."""
        found = self.resolve(qualname)
        if found is None:
            return None
        facts, name = found
        table = facts.values if op == "value" else facts.types if op == "type" else facts.yields
        return self.kind(table.get(name), depth + 1)

    def collections(self, qualname: str, depth: int = 0) -> dict[str, str]:
        """The fields of a model, and of its bases, that hold a list of another model of the project."""
        found = self.resolve(qualname)
        if found is None or depth > 8:
            return {}
        facts, name = found
        bases, fields = facts.schemas.get(name, ([], {}))
        result: dict[str, str] = {}
        for base in bases:
            result.update(self.collections(base, depth + 1))
        for field, element in fields.items():
            element_found = self.resolve(element)
            if element_found and element_found[1] in element_found[0].schemas:
                result[field] = element
        return result

    def lazy(self, class_qualname: str | None, attribute: str) -> str | bool | None:
        """The lazy= of a relationship attribute of an ORM class (None when unknown)."""
        found = self.resolve(class_qualname)
        if found is None:
            return None
        facts, name = found
        return facts.relationships.get(name, {}).get(attribute)

    def class_of(self, qualname: str | None) -> str | None:
        """The canonical name of a class of the project ("app.crud.base.CRUDBase"), or None."""
        found = self.resolve(qualname)
        if found is None or found[1] not in found[0].schemas:
            return None
        return f"{found[0].module}.{found[1]}"

    def fields(self, qualname: str, depth: int = 0) -> set[str]:
        """Every annotated attribute of a class of the project and of its bases."""
        if depth == 0:
            if qualname not in self._fields:
                self._fields[qualname] = self._all_fields(qualname)
            return self._fields[qualname]
        return self._all_fields(qualname, depth)

    def _all_fields(self, qualname: str, depth: int = 0) -> set[str]:
        found = self.resolve(qualname)
        if found is None or depth > 8:
            return set()
        facts, name = found
        result = set(facts.fields.get(name, ()))
        for base in facts.schemas.get(name, ([], {}))[0]:
            result |= self._all_fields(base, depth + 1)
        return result

    def relationships(self, qualname: str | None) -> dict[str, str | bool | None]:
        found = self.resolve(qualname)
        return found[0].relationships.get(found[1], {}) if found else {}
