"""Stage 04: every relationship either eager-loads or raises, so that nothing loads on attribute access."""

import ast
from collections.abc import Iterator

from asynccheck.index import Index
from asynccheck.kinds import matches
from asynccheck.patterns import BACKREF, MISSING, keyword, lazy_of
from asynccheck.report import Finding
from asynccheck.source import Module

# Strategies that never run SQL on attribute access: they raise, load up front, or load nothing.
SAFE = {"raise", "raise_on_sql", "selectin", "joined", "subquery", "immediate", "write_only", "noload", False}

LAZY = (
    '{what} loads on attribute access, which an AsyncSession cannot do: set lazy="raise" and eager-load '
    "it where it is used (joinedload for a many-to-one, selectinload for a collection), or set an eager "
    "strategy"
)
DYNAMIC = 'lazy="dynamic" does not work with AsyncSession: use lazy="write_only" and query it with select()'
BACKREF_STRING = (
    'backref="{name}" creates the other side with the default lazy loading: declare both sides with '
    'back_populates and lazy="raise"'
)


def check(module: Module, index: Index) -> Iterator[Finding]:
    for call in module.calls_named("relationship", "backref", "Relationship"):
        node = call.node
        lazy = lazy_of(node, module.callee(call))
        if lazy is None or isinstance(lazy, ast.AST) or lazy in SAFE:
            pass
        elif lazy == "dynamic":
            yield module.finding(node, "AC402", DYNAMIC)
        else:
            is_backref = matches(module.callee(call), BACKREF)
            what = "backref()" if is_backref else "relationship()"
            if lazy == MISSING:
                what += " without lazy="
            else:
                what += f' with lazy="{lazy}"' if isinstance(lazy, str) else f" with lazy={lazy}"
            yield module.finding(node, "AC403" if is_backref else "AC401", LAZY.format(what=what))
        if lazy is not None:
            backref = keyword(node, "backref")
            if isinstance(backref, ast.Constant) and isinstance(backref.value, str):
                yield module.finding(backref, "AC403", BACKREF_STRING.format(name=backref.value))
