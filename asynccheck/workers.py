"""A large tree checked by worker processes, one share of the files each.

Each worker parses its share once and sends the facts its modules tell the others (facts.Facts, pickled)
to the parent, which hands every worker the facts of all the others as it got them, without reading them.
Each worker then builds the index of the whole project itself (the same in every worker: the same facts in
the same order), applies the module rules to its own modules and sends back the findings; the first worker
also judges the project as a whole. The parent only passes bytes on, so no step waits on it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from asynccheck import checker
from asynccheck.facts import Facts
from asynccheck.files import SourceFile
from asynccheck.report import FileError, Finding

if TYPE_CHECKING:
    from asynccheck.checker import Project


def run(
    shares: list[list[SourceFile]], project: Project
) -> tuple[list[Finding], list[FileError], int, str | None]:
    """(findings, errors, files checked, why the app is out of scope) of the shares, one worker each."""
    context = multiprocessing.get_context()
    pipes, workers = [], []
    for number, share in enumerate(shares):
        here, there = context.Pipe()
        worker = context.Process(target=_worker, args=(share, number, project, there), daemon=True)
        worker.start()
        there.close()
        pipes.append(here)
        workers.append(worker)
    try:
        told: list[bytes] = []
        errors, checked = [], 0
        for pipe in pipes:
            their_errors, their_count, their_facts = _receive(pipe)
            errors += their_errors
            checked += their_count
            told.append(their_facts)
        for number, pipe in enumerate(pipes):  # the files checked in all, and the facts of the others
            pipe.send((checked, [b"" if other == number else facts for other, facts in enumerate(told)]))
        findings, scope = [], None
        for pipe in pipes:
            their_findings, their_errors, verdict = _receive(pipe)
            findings += their_findings
            errors += their_errors
            if verdict is not None:
                scope, project_findings = verdict
                findings += project_findings
    finally:
        for worker in workers:
            worker.join(timeout=5)
    return findings, errors, checked, scope


def _worker(share: list[SourceFile], number: int, project: Project, pipe: Connection[Any, Any]) -> None:
    gc.disable()
    try:
        modules, own, errors = checker.parse_files(share)
        pipe.send((errors, len(modules), pickle.dumps(own, pickle.HIGHEST_PROTOCOL)))
        checked, told_bytes = pipe.recv()
        told: list[Facts] = []
        for their_facts in told_bytes:
            told += pickle.loads(their_facts) if their_facts else own  # b"": this worker's own
        index = project.index(told)
        findings, more = checker.module_findings(modules, index)
        verdict = project.judge(index, checked) if number == 0 else None
        pipe.send((findings, more, verdict))
    except BaseException as error:  # the parent raises it
        pipe.send(RuntimeError(f"asynccheck worker failed: {error!r}"))
    finally:
        pipe.close()
    # Everything is sent: end here, without freeing every tree node by node first (a quarter of a second per
    # 1,000 modules, which the parent would wait for when it joins the worker).
    os._exit(0)


def _receive(pipe: Connection[Any, Any]) -> Any:
    """What a worker sent: its errors, count and pickled facts first, then its findings, errors and verdict
    (unpickled, so untyped here; run() unpacks them into typed lists)."""
    try:
        answer = pipe.recv()
    except EOFError:
        raise RuntimeError("an asynccheck worker process ended without an answer") from None
    if isinstance(answer, Exception):
        raise answer
    return answer
