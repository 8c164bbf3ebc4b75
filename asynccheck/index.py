"""The whole project as the rules see it: every module's facts, what they add up to, and which of the
project's functions call which (the calls that block, through helpers in other modules: AC507)."""

import ast
from collections.abc import Iterable

from asynccheck.blocking import Candidate, fix_of
from asynccheck.facts import Facts, FunctionFacts
from asynccheck.lookup import Lookup
from asynccheck.source import Call, Module


class Index(Lookup):
    """What the rules of one module know of the others (built from every module's facts)."""

    def __init__(self, all_facts: list[Facts], declared: Iterable[str] = ()) -> None:
        super().__init__(all_facts)
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

    def _settle(self, all_facts: list[Facts]) -> None:
        """Follow every helper that may block once, here, and keep only the answers: the functions the rules
        ask about (async def, Celery tasks, defs that block), without their candidates and callees."""
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
