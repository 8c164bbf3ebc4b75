"""A whole run: find the files, parse them, tell each module what the others hold, apply the rules.

A large tree is split between worker processes (asynccheck.workers); a small one is checked here, in one
pass of the same steps: parse each file once and take its facts (facts.Facts), build the index of the whole
project from every module's facts, apply the module rules, then judge the project as a whole.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from asynccheck import config, files, requirements, rules
from asynccheck.facts import Facts, facts
from asynccheck.index import Index
from asynccheck.parsing import parse, read
from asynccheck.report import FileError, Finding, Report
from asynccheck.requirements import Requirement
from asynccheck.source import Module, SourceError

FILES_PER_WORKER = 250  # below this a worker process costs more than it saves
INTERNAL = "asynccheck failed on this file ({error}); please report it: the other files were checked"


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Keep every tree without the cyclic garbage collector scanning them again and again (3 times faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(
    paths: Sequence[str],
    jobs: int | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> Report:
    """Check the files under paths (directories or files) and report what is left to migrate.

    select and ignore (code prefixes) replace the select of [tool.asynccheck] and add to its ignore."""
    settings = config.load(list(paths))
    if select:
        settings.select = list(select)
    settings.ignore = [*settings.ignore, *ignore]
    found = files.discover(list(paths), settings.excluded if settings.exclude else None)
    errors = list(found.errors) + settings.errors
    declared = []
    for path, shown in found.requirements:
        more, problems = requirements.read(path, shown)
        declared += more
        errors += problems
    if jobs is None:
        jobs = min(os.cpu_count() or 1, len(found.python) // FILES_PER_WORKER)
    project = Project(found, declared)
    with no_gc_pauses():
        if jobs > 1:
            from asynccheck import workers  # not above: it imports this module (and multiprocessing)

            shares = [found.python[start::jobs] for start in range(jobs)]
            findings, parse_errors, checked, scope = workers.run(shares, project)
        else:
            findings, parse_errors, checked, scope = project.run(found.python)
    errors += parse_errors
    if scope is not None:
        return Report([], errors, checked, scope)
    return Report([finding for finding in findings if settings.keeps(finding)], errors, checked)


@dataclass
class Project:
    """The files found and the requirements they declare: with every module's facts, what a run needs to
    build the index and to judge the project as a whole (the project rules), in whichever process does."""

    found: files.Found
    declared: list[Requirement]

    def index(self, told: list[Facts]) -> Index:
        """The same index however the files were shared between workers: the facts in the order of their
        files (the first of several modules that define a name is the one that wins)."""
        ordered = sorted(told, key=lambda facts: (facts.path, facts.module))
        return Index(ordered, {requirement.name for requirement in self.declared})

    def judge(self, index: Index, checked: int) -> tuple[str | None, list[Finding]]:
        """(why the app is out of scope, or None; the findings of the project rules). These judge the app as
        a whole: not when none of its files could be read."""
        scope = out_of_scope(index) if checked else None
        if scope is not None or not checked:
            return scope, []
        found, declared = self.found, self.declared
        return None, [
            finding for rule in rules.PROJECT_RULES for finding in rule.check(index, found, declared)
        ]

    def run(self, python: list[files.SourceFile]) -> tuple[list[Finding], list[FileError], int, str | None]:
        """Check these files in this process: (findings, errors, files checked, why out of scope)."""
        modules, told, errors = parse_files(python)
        index = self.index(told)
        findings, more = module_findings(modules, index)
        release(modules)
        scope, project_findings = self.judge(index, len(modules))
        return findings + project_findings, errors + more, len(modules), scope


OUT_OF_SCOPE = (
    "the app reaches its database through {what}, not SQLAlchemy's ORM sessions: the migration this checker "
    "follows (sync sessions to AsyncSession) does not apply, and it has nothing to judge"
)


def out_of_scope(index: Index) -> str | None:
    """Apps on raw asyncpg or the `databases` library, with no SQLAlchemy ORM or SQLModel anywhere."""
    if index.orm:
        return None
    used = [name for name in ("databases", "asyncpg") if name in index.libraries]
    if not used:
        return None
    what = " and ".join("the `databases` library" if name == "databases" else "raw asyncpg" for name in used)
    return OUT_OF_SCOPE.format(what=what)


def parse_files(share: list[files.SourceFile]) -> tuple[list[Module], list[Facts], list[FileError]]:
    """Parse each file and take what it tells the others; a file that fails is named in the errors."""
    modules, told, errors = [], [], []
    for source in share:
        try:
            module = parse(read(source.path), source.shown, source.module, source.is_package, source.is_test)
            told.append(facts(module))
            modules.append(module)
            errors += [FileError(source.shown, why, line, col, True) for line, col, why in module.skipped]
        except SourceError as error:
            errors.append(FileError(source.shown, error.message, error.line, error.col))
        except OSError as error:
            errors.append(FileError(source.shown, f"cannot read: {error.strerror or error}"))
        except Exception as error:  # a bug in asynccheck: say so, and check the other files
            errors.append(FileError(source.shown, INTERNAL.format(error=repr(error))))
    return modules, told, errors


def module_findings(modules: list[Module], index: Index) -> tuple[list[Finding], list[FileError]]:
    findings, errors = [], []
    for module in modules:
        try:
            found = [finding for rule in rules.MODULE_RULES for finding in rule.check(module, index)]
            if found and "noqa" in module.text.lower():  # 10 times faster than re.IGNORECASE, as exact
                found = [finding for finding in found if not config.hidden(finding, module.lines)]
            findings += found
        except Exception as error:  # a bug in asynccheck: say so, and check the other files
            errors.append(FileError(module.path, INTERNAL.format(error=repr(error))))
    return findings, errors


def release(modules: list[Module]) -> None:
    """Let the trees go as soon as the last reference to them does, instead of leaving them to the cyclic
    collector: a function's calls refer back to it, and the first collection after the run would otherwise
    scan every node of every tree (seconds on a large project)."""
    for module in modules:
        for function in module.functions:
            function.calls = []
