"""Stage 05: nothing inside async def blocks the event loop, directly or through the app's own functions
(asynccheck.blocking lists what blocks)."""

from collections.abc import Iterator

from asynccheck.blocking import candidates
from asynccheck.index import Index
from asynccheck.kinds import SYNC
from asynccheck.report import Finding
from asynccheck.source import Module, last_name

DIRECT = "`{call}` blocks the event loop inside async def `{name}`: {fix}"
THROUGH = "`{call}` inside async def `{name}` blocks the event loop: {chain}; {fix}"


def check(module: Module, index: Index) -> Iterator[Finding]:
    if module.is_test:
        return  # a test that blocks its own event loop slows the suite; the app is not wrong for it
    for function in module.functions:
        if not function.is_async:
            continue
        for candidate in candidates(module, function, own_sql=False):
            if (
                candidate.kind is not None
                and candidate.kind[0] != "state"
                and index.kind(candidate.kind) in SYNC
            ):
                continue  # a sync session or engine of its own: AC503 (one on request.state is not)
            fix = index.blocks(candidate)
            if fix is not None:
                message = DIRECT.format(call=candidate.text, name=function.name, fix=fix)
                yield module.finding_at(candidate.line, candidate.col, "AC507", message)
        for call in function.calls:
            if call.awaited or call.deferred or last_name(call.node) not in index.blocking_names:
                continue
            target = index.target(module, call)
            if target is None or target[2].is_async:
                continue
            chain = index.chain(target[0], target[1])
            if chain is not None:
                *steps, fix = chain
                text = f"{target[1].rpartition('.')[2]}()"
                where = f"{target[1]}() ({target[0].path}:{target[2].line})"
                chain_text = " -> ".join([where, *steps])
                message = THROUGH.format(call=text, name=function.name, chain=chain_text, fix=fix)
                yield module.finding(call.node, "AC507", message)
