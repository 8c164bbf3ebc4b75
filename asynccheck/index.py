"""The whole project as the rules see it: every module's facts, and what a symbolic kind means here."""

import ast

from asynccheck.facts import Facts
from asynccheck.kinds import CALLS, METHODS, class_kind, value_of
from asynccheck.source import Function, Module, dotted_name


class Index:
    def __init__(self, all_facts: list[Facts]) -> None:
        # A module is found by its dotted name and by every tail of it: `from app.database import engine`
        # and `from database import engine` both reach app/database.py, whichever folder was given.
        self.modules: dict[str, Facts] = {}
        for facts in sorted(all_facts, key=lambda facts: facts.module.count(".")):
            parts = facts.module.split(".")
            for start in range(len(parts)):
                self.modules.setdefault(".".join(parts[start:]), facts)
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
        self._kinds: dict = {}

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

    def canonical(self, qualname: str | None) -> str | None:
        found = self.resolve(qualname)
        return f"{found[0].module}.{found[1]}" if found else None

    def _canonical_set(self, qualnames) -> set[str]:
        return {name for name in map(self.canonical, qualnames) if name}

    def kind_of(self, module: Module, expr: ast.expr, function: Function | None) -> str | None:
        """What an expression of a module is (kinds.SESSION, ...), or None when it is none of them."""
        name = dotted_name(expr)
        if name is None:
            return self.kind(value_of(module, expr, function))
        key = (id(function), name)
        if key not in module.kinds:
            module.kinds[key] = self.kind(value_of(module, expr, function))
        return module.kinds[key]

    def kind(self, expr, depth: int = 0) -> str | None:
        """Evaluate a symbolic kind (see kinds.py) against the project."""
        if expr is None or depth > 24:
            return None
        if expr not in self._kinds:
            self._kinds[expr] = None  # a cycle ends here
            self._kinds[expr] = self._evaluate(expr, depth)
        return self._kinds[expr]

    def _evaluate(self, expr, depth: int) -> str | None:
        op = expr[0]
        if op == "is":
            return expr[1]
        if op == "first":
            return next((kind for kind in (self.kind(e, depth + 1) for e in expr[1]) if kind), None)
        if op == "call":
            return CALLS.get(self.kind(expr[1], depth + 1))
        if op == "method":
            return METHODS.get((self.kind(expr[1], depth + 1), expr[2]))
        if op == "type" and class_kind(expr[1]):
            return class_kind(expr[1])
        found = self.resolve(expr[1])
        if found is None:
            return None
        facts, name = found
        table = {"value": facts.values, "type": facts.types, "yields": facts.yields}[op]
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

    def lazy(self, class_qualname: str | None, attribute: str) -> object | None:
        """The lazy= of a relationship attribute of an ORM class (None when unknown)."""
        found = self.resolve(class_qualname)
        if found is None:
            return None
        facts, name = found
        return facts.relationships.get(name, {}).get(attribute)
