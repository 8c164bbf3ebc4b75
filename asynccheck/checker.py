"""A whole run: find the files, parse them, tell each module what the others hold, apply the rules.

A large tree is split between worker processes. Each parses its share once, sends back the facts its
modules tell the others (facts.Facts), receives the index of the whole project and applies the rules.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from asynccheck import config, files, requirements, rules
from asynccheck.facts import Facts, facts
from asynccheck.index import Index
from asynccheck.parsing import parse, read
from asynccheck.report import FileError, Finding, Report
from asynccheck.source import Module, SourceError

NOQA_WORD = re.compile("noqa", re.IGNORECASE)
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
    shares = [found.python[start::jobs] for start in range(jobs)] if jobs > 1 else [found.python]
    with no_gc_pauses():
        findings, parse_errors, checked, index = _run_shares(shares, {r.name for r in declared})
    errors += parse_errors
    scope = out_of_scope(index) if checked else None
    if scope is not None:
        return Report([], errors, checked, scope)
    if checked:  # the project rules judge the app as a whole: not when none of its files could be read
        for rule in rules.PROJECT_RULES:
            findings += rule.check(index, found, declared)
    return Report([finding for finding in findings if settings.keeps(finding)], errors, checked)


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
            if found and NOQA_WORD.search(module.text):
                found = [finding for finding in found if not config.hidden(finding, module.lines)]
            findings += found
        except Exception as error:  # a bug in asynccheck: say so, and check the other files
            errors.append(FileError(module.path, INTERNAL.format(error=repr(error))))
    return findings, errors


def _run_shares(
    shares: list[list[files.SourceFile]], declared: set[str]
) -> tuple[list[Finding], list[FileError], int, Index]:
    if len(shares) == 1:
        modules, told, errors = parse_files(shares[0])
        index = Index(told, declared)
        findings, more = module_findings(modules, index)
        return findings, errors + more, len(modules), index
    context = multiprocessing.get_context()
    pipes, workers = [], []
    for share in shares:
        here, there = context.Pipe()
        worker = context.Process(target=_worker, args=(share, there), daemon=True)
        worker.start()
        there.close()
        pipes.append(here)
        workers.append(worker)
    try:
        told, errors, checked = [], [], 0
        for pipe in pipes:
            their_facts, their_errors, their_count = _receive(pipe)
            told += their_facts
            errors += their_errors
            checked += their_count
        index = Index(told, declared)
        for pipe in pipes:
            pipe.send(index)
        findings = []
        for pipe in pipes:
            their_findings, their_errors = _receive(pipe)
            findings += their_findings
            errors += their_errors
    finally:
        for worker in workers:
            worker.join(timeout=5)
    return findings, errors, checked, index


def _worker(share: list[files.SourceFile], pipe: Connection[Any, Any]) -> None:
    gc.disable()
    try:
        modules, told, errors = parse_files(share)
        pipe.send((told, errors, len(modules)))
        index = pipe.recv()
        pipe.send(module_findings(modules, index))
    except BaseException as error:  # the parent raises it
        pipe.send(RuntimeError(f"asynccheck worker failed: {error!r}"))
    finally:
        pipe.close()


def _receive(pipe: Connection[Any, Any]) -> Any:
    """What a worker sent: its facts, errors and count first, then its findings and errors (unpickled,
    so untyped here; _run_shares unpacks them into typed lists)."""
    try:
        answer = pipe.recv()
    except EOFError:
        raise RuntimeError("an asynccheck worker process ended without an answer") from None
    if isinstance(answer, Exception):
        raise answer
    return answer
