"""The whole project as the rules see it: every module's facts, and what a symbolic kind means here."""

import ast
from collections.abc import Iterable

from asynccheck.blocking import Candidate, fix_of
from asynccheck.facts import Facts, FunctionFacts
from asynccheck.kinds import CALLS, METHODS, Kind, class_kind, value_of
from asynccheck.source import Call, Function, Module, dotted_name, is_local

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


class Index:
    def __init__(self, all_facts: list[Facts], declared: Iterable[str] = ()) -> None:
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
        self.async_engine = any(facts.async_engine for facts in all_facts)
        self.backends = set().union(*(facts.backends for facts in all_facts))
        self.tests = [facts.test for facts in all_facts if facts.test]
        self.dependencies = self._canonical_set(name for facts in all_facts for name in facts.dependencies)
        self.handlers = self._canonical_set(name for facts in all_facts for name in facts.handlers)
        # function -> the response models of the routes that call it
        self.route_models: dict[str, set[str]] = {}
        for facts in all_facts:
            for models, callees in facts.routes:
                for callee in self._canonical_set(callees):
                    self.route_models.setdefault(callee, set()).update(models)
        self._kinds: dict[Kind, str | None] = {}
        self._models: dict[str, bool] = {}
        self.eager = set().union(*(facts.eager for facts in all_facts))
        self.read_after_commit = next(
            ((facts.path, *facts.read_after_commit) for facts in all_facts if facts.read_after_commit), None
        )
        self.libraries = set().union(*(facts.libraries for facts in all_facts))
        self.sqlmodel = "sqlmodel" in self.libraries
        self.exec_calls = any(facts.exec_calls for facts in all_facts)
        self.configured = self._canonical_set(name for facts in all_facts for name in facts.configured)
        self.orm = any(facts.orm for facts in all_facts)
        self.declared = set(declared)  # the packages the requirements and lock files name
        self.lifespan = any(facts.lifespan for facts in all_facts)
        # a sync engine the app itself still makes (Alembic's env.py and the tests do not count)
        self.sync_engine_outside = any(
            facts.sync_engine and not facts.alembic_env and facts.test is None for facts in all_facts
        )
        # Prefilters by a call's last name: what may be a coroutine function of the project, what may block
        entries = [
            (key.rpartition(".")[2], entry) for facts in all_facts for key, entry in facts.functions.items()
        ]
        self.async_names = {name for name, entry in entries if entry.is_async}
        self.blocking_names = {name for name, entry in entries if not entry.is_async and entry.blocking}
        # the defs not yet named there that call something, by the last names of what they call
        helpers = [
            (name, {callee.rpartition(".")[2] for callee in entry.callees})
            for name, entry in entries
            if not entry.is_async and entry.callees and name not in self.blocking_names
        ]
        for _ in range(3):  # helpers that call those, a few levels up
            self.blocking_names |= {
                name
                for name, callees in helpers
                if name not in self.blocking_names and not callees.isdisjoint(self.blocking_names)
            }
        self._fields: dict[str, set[str]] = {}
        # relationship attributes that load lazily, anywhere (AC404 looks no further without one)
        self.lazy_names = {
            name
            for facts in all_facts
            for relationships in facts.relationships.values()
            for name, lazy in relationships.items()
            if lazy in ("<missing>", "select", True)
        }
        self._chains: dict[tuple[str, str], list[str] | None] = {}
        self._settle(all_facts)

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

    def _settle(self, all_facts: list[Facts]) -> None:
        """Follow every helper that may block once, here, and keep only the answers: the index goes to each
        worker process, and the calls of every function would double its size."""
        for facts in all_facts:
            for key, entry in facts.functions.items():
                if not entry.is_async and key.rpartition(".")[2] in self.blocking_names:
                    self.chain(facts, key)
        for facts in all_facts:  # what the rules ask of a def: does it block (it has a chain), is it a task
            facts.functions = {
                key: entry
                for key, entry in facts.functions.items()
                if entry.is_async or entry.task or self._chains.get((facts.module, key))
            }
            for entry in facts.functions.values():
                entry.blocking, entry.callees = [], []
        self._chains = {key: chain for key, chain in self._chains.items() if chain}

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

    def method(self, cls: str, name: str, depth: int = 0) -> tuple[Facts, str, FunctionFacts] | None:
        """A method of a class of the project, looked up through its bases in the project."""
        found = self.resolve(cls)
        if found is None or depth > 8:
            return None
        facts, class_name = found
        key = f"{class_name}.{name}"
        if key in facts.functions:
            return facts, key, facts.functions[key]
        for base in facts.schemas.get(class_name, ([], {}))[0]:
            inherited = self.method(base, name, depth + 1)
            if inherited is not None:
                return inherited
        return None

    def function(self, qualname: str | None) -> tuple[Facts, str, FunctionFacts] | None:
        """What a qualified name calls: a function of the project, a method of an instance the project
        makes (`crud.user.get` with `user = CRUDUser(User)`), or a method named through its class."""
        if not qualname:
            return None
        if qualname.startswith("."):  # `.Class.method`: self.method() in a method of a module-level class
            return None
        found = self.resolve(qualname)
        if found is not None:
            facts, name = found
            entry = facts.functions.get(name)
            return (facts, name, entry) if entry is not None else None
        owner, _, name = qualname.rpartition(".")
        if not owner:
            return None
        cls = self.class_of(owner)
        if cls is None:
            kind = self.kind(("value", owner))
            cls = kind.partition(":")[2] if kind and kind.startswith("instance:") else None
        return self.method(cls, name) if cls else None

    def callee_in(self, facts: Facts, callee: str) -> tuple[Facts, str, FunctionFacts] | None:
        """A callee a helper's facts recorded: a qualified name, or `.Class.method` for self.method()."""
        if callee.startswith("."):
            cls, _, name = callee[1:].rpartition(".")
            return self.method(f"{facts.module}.{cls}", name)
        return self.function(callee)

    def is_task(self, qualname: str) -> bool:
        found = self.function(qualname)
        return found is not None and found[2].task

    def blocks(self, candidate: Candidate) -> str | None:
        """The fix if the candidate call blocks."""
        kind = self.kind(candidate.kind) if candidate.kind is not None else None
        return fix_of(candidate, kind, candidate.task is not None and self.is_task(candidate.task))

    def chain(self, facts: Facts, key: str, depth: int = 0) -> list[str] | None:
        """How a def of the project blocks: [`helper()` (path:line), ..., the blocking call and its fix]."""
        if (facts.module, key) in self._chains:
            return self._chains[(facts.module, key)]
        self._chains[(facts.module, key)] = None  # a cycle ends here
        entry = facts.functions[key]
        result = None
        for candidate in entry.blocking:
            fix = self.blocks(candidate)
            if fix is not None:
                result = [f"{candidate.text} ({facts.path}:{candidate.line})", fix]
                break
        if result is None and depth < 3:
            for callee in entry.callees:
                target = self.callee_in(facts, callee)
                if target is None or target[2].is_async:
                    continue
                deeper = self.chain(target[0], target[1], depth + 1)
                if deeper is not None:
                    result = [f"{target[1]}() ({target[0].path}:{target[2].line})", *deeper]
                    break
        self._chains[(facts.module, key)] = result
        return result

    def target(self, module: Module, call: Call) -> tuple[Facts, str, FunctionFacts] | None:
        """The function or method of the project a call calls, when the checker can tell (once a call)."""
        if not call.target_known:
            call.target, call.target_known = self._target(module, call), True
        return call.target  # type: ignore[return-value]

    def _target(self, module: Module, call: Call) -> tuple[Facts, str, FunctionFacts] | None:
        found = self.function(module.callee(call))
        if found is not None:
            return found
        func, function = call.node.func, call.function
        if not isinstance(func, ast.Attribute):
            return None
        receiver = func.value
        if isinstance(receiver, ast.Name) and function is not None:
            method = function
            while method.parent is not None:
                method = method.parent
            params = method.params()
            if method.owner and params and params[0].arg == receiver.id and receiver.id in ("self", "cls"):
                owner = f"{module.name}.{method.owner}" if module.name else method.owner
                return self.method(owner, func.attr)
        kind = self.kind_of(module, receiver, function)
        if kind and kind.startswith("instance:"):
            return self.method(kind.partition(":")[2], func.attr)
        return None
