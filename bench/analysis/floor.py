"""Driver calls per request, the ratios at the first concurrency, and the floor of aiosqlite's hand-offs:
where the final stage is slower than the baseline with one connection, whether its hand-offs account for
it."""

from __future__ import annotations

from typing import Any

from bench.analysis.results import Results, Row
from bench.analysis.targets import C1_SHARE, compare

HANDOFF_BACKEND = "sqlite"  # where a request's driver calls cross to another thread (aiosqlite's)
# What share of the gap per request the hand-offs must make up to account for it, or for most of it.
ACCOUNTS_SHARE, MOST_SHARE = 0.8, 0.5


def counts_by_database(results: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per database ("sqlite", "postgresql"), per stage, what tests/stage/test_statement_counts.py counted.
    A run from before the counts were taken on both databases holds SQLite's alone, as statement_counts."""
    found: dict[str, dict[str, dict[str, Any]]] | None = results.get("statement_counts_by_database")
    if found is not None:
        return found
    sqlite = results.get("statement_counts") or {}
    return {"sqlite": sqlite} if sqlite else {}


def driver_calls(results: dict[str, Any], backend: str, stage: str, endpoint: str) -> dict[str, Any] | None:
    """One request's driver calls, {"small": {...}, "large": {...}}, as counted with 10 and with 500 posts
    (`endpoint` is its label, GET /api/posts/{id}); None where the run did not count them."""
    counted = counts_by_database(results).get(backend, {}).get(stage, {}).get("counts", {}).get(endpoint)
    found: dict[str, Any] | None = counted.get("driver_calls") if counted else None
    return found


def gap_us(final: Row | None, baseline: Row | None) -> float | None:
    """What a request costs the final stage more than the baseline, one at a time: 1/req/s apart, in µs."""
    if not final or not baseline or not final["rps"] or not baseline["rps"]:
        return None
    return float(1 / final["rps"] - 1 / baseline["rps"]) * 1e6


def c1_ratios(results: dict[str, Any]) -> dict[str, Any]:
    """The final stage against the baseline at the first concurrency on every database that ran it, for
    results.json: `ratios[case][endpoint label]` holds the ratio (median of the per-repetition ratios), both
    stages' median req/s and the gap per request in µs."""
    data = Results(results)
    first = data.concurrency[0]
    ratios: dict[str, dict[str, Any]] = {}
    for case in data.cases:
        for endpoint in case["endpoints"]:
            c = compare(data, case["key"], endpoint, first)
            if c.ratio is None or not c.final or not c.baseline:
                continue
            gap = gap_us(c.final, c.baseline)
            ratios.setdefault(case["key"], {})[data.endpoints[endpoint]["label"]] = {
                "ratio": round(c.ratio, 3) if c.ratio != float("inf") else None,
                "final_rps": round(c.final["rps"], 1),
                "baseline_rps": round(c.baseline["rps"], 1),
                "gap_us": round(gap) if gap is not None else None,
            }
    return {
        "concurrency": first,
        "final": data.final,
        "baseline": data.baseline,
        "target": C1_SHARE,
        "ratios": ratios,
    }


def floor(results: dict[str, Any]) -> dict[str, Any]:
    """Where the final stage is below C1_SHARE of the baseline at the first concurrency, on any database: the
    gap per request against what the final stage's aiosqlite hand-offs cost at the price measured in the same
    run (bench/handoff.py), with a verdict. `compared` counts the endpoints and databases measured at all."""
    data = Results(results)
    first = data.concurrency[0]
    handoff = results.get("handoff")
    cost = handoff["cost_us"] if handoff else None
    rows, compared = [], 0
    for case in data.cases:
        for endpoint in case["endpoints"]:
            c = compare(data, case["key"], endpoint, first)
            if c.ratio is None:
                continue
            compared += 1
            if c.meets(C1_SHARE):
                continue
            label = data.endpoints[endpoint]["label"]
            backend = case.get("backend") or ("sqlite" if case["key"] == "sqlite" else "postgresql")
            final_calls = driver_calls(results, backend, data.final, label)
            handoffs = final_calls["large"]["handoffs"] if final_calls else None
            gap = gap_us(c.final, c.baseline)
            if backend != HANDOFF_BACKEND:
                handoffs = 0  # asyncpg runs on the event loop
            priced = handoffs * cost if handoffs is not None and cost is not None else None
            share = priced / gap if priced is not None and gap and gap > 0 else None
            row = {
                "case": case["key"],
                "database": case["label"],
                "backend": backend,
                "endpoint": endpoint,
                "label": label,
                "ratio": c.ratio,
                "final_rps": c.final["rps"] if c.final else None,
                "baseline_rps": c.baseline["rps"] if c.baseline else None,
                "gap_us": gap,
                "handoffs": handoffs,
                "cost_us": cost,
                "handoffs_us": priced,
                "share": share,
                "handoffs_by_call": final_calls["large"]["handoffs_by_call"] if final_calls else None,
            }
            baseline_calls = driver_calls(results, backend, data.baseline, label)
            row["verdict"] = floor_verdict(row, data, final_calls, baseline_calls)
            rows.append(row)
    return {"concurrency": first, "target": C1_SHARE, "handoff": handoff, "compared": compared, "rows": rows}


def calls_in_all(calls: dict[str, Any]) -> tuple[int, int, int]:
    """(statements, BEGIN/COMMIT/ROLLBACK and the pool's reset, pings) of one request with 500 posts."""
    large = calls["large"]
    transaction = sum(large[key] for key in ("begin", "commit", "rollback", "reset"))
    return large["statements"], transaction, large["ping"]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def floor_verdict(
    row: Row, data: Results, final_calls: dict[str, Any] | None, baseline_calls: dict[str, Any] | None
) -> str:
    """One sentence from the numbers: do the hand-offs account for the gap?"""
    gap, handoffs, cost, share = row["gap_us"], row["handoffs"], row["cost_us"], row["share"]
    if row["backend"] != HANDOFF_BACKEND:
        said = (
            "asyncpg speaks to PostgreSQL on the event loop and hands nothing to a thread, so no hand-off "
            "accounts for this gap"
        )
        if final_calls and baseline_calls:
            mine, theirs = calls_in_all(final_calls), calls_in_all(baseline_calls)
            said += (
                f"; per request {data.final} makes {sum(mine)} driver calls ({plural(mine[0], 'statement')}, "
                f"{mine[1]} BEGIN, COMMIT, ROLLBACK or pool reset, {plural(mine[2], 'ping')}), "
                f"{data.baseline} {sum(theirs)} ({theirs[0]}, {theirs[1]}, {theirs[2]})"
            )
        return said + "."
    if gap is None or gap <= 0:
        return (
            "The median req/s show no gap per request (the ratio is the median of the per-repetition "
            "ratios), so there is nothing for the hand-offs to account for."
        )
    if handoffs is None:
        return "The driver calls were not counted in this run, so its hand-offs per request are not known."
    if cost is None:
        return (
            f"The cost of a hand-off was not measured in this run, so the {handoffs} hand-offs cannot be "
            f"weighed against the {gap:,.0f} µs gap."
        )
    priced = handoffs * cost
    if share is not None and share >= 1:
        return (
            f"The hand-offs account for the whole gap: {handoffs} at {cost:.1f} µs each cost "
            f"{priced:,.0f} µs, more than the {gap:,.0f} µs a request takes longer ({share:.0%})."
        )
    if share is not None and share >= ACCOUNTS_SHARE:
        return (
            f"The hand-offs account for the gap: {handoffs} at {cost:.1f} µs each cost {priced:,.0f} µs "
            f"of the {gap:,.0f} µs a request takes longer ({share:.0%})."
        )
    rest = gap - priced
    if share is not None and share >= MOST_SHARE:
        return (
            f"The hand-offs account for most of the gap but not all of it: {handoffs} at {cost:.1f} µs "
            f"each cost {priced:,.0f} µs of the {gap:,.0f} µs a request takes longer ({share:.0%}); the "
            f"other {rest:,.0f} µs go elsewhere."
        )
    return (
        f"The hand-offs do not account for the gap: {handoffs} at {cost:.1f} µs each cost {priced:,.0f} µs "
        f"of the {gap:,.0f} µs a request takes longer ({share or 0:.0%}); the other {rest:,.0f} µs go "
        "elsewhere."
    )
