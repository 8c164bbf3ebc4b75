"""What results.json says: runs grouped by repetition, medians, ratios to the baseline, and the targets."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

C1_SHARE = 0.90  # the final stage within 10% of the baseline with one connection
REMOTE_GAIN = 1.5  # ... and at least 1.5x the baseline with the 20 ms database at the highest concurrency
REMOTE_CASE = "postgres-20ms"
LOCAL_CASES = ("sqlite", "postgres")

Row = dict[str, Any]  # one line of a results table: medians and sums over the repetitions


def median(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


PLAIN = "plain"  # the configuration of the headline numbers (bench/plan.py's CONFIGS)


class Results:
    """Runs grouped by (case, endpoint, concurrency, stage, configuration), one entry per repetition."""

    def __init__(self, results: dict[str, Any]) -> None:
        self.raw = results
        plan = results["plan"]
        self.stages: list[str] = plan["stages"]
        self.baseline: str = plan["baseline"]
        self.final: str = plan["final"]
        self.cases: list[dict[str, Any]] = plan["cases"]
        self.endpoints: dict[str, dict[str, Any]] = plan["endpoints"]
        self.concurrency: list[int] = plan["concurrency"]
        self.groups: dict[tuple[str, str, int, str, str], dict[int, dict[str, Any]]] = defaultdict(dict)
        for run in results["runs"]:
            key = (run["case"], run["endpoint"], run["concurrency"], run["stage"], run.get("config", PLAIN))
            self.groups[key][run["repetition"]] = run
        self.configs: dict[str, dict[str, Any]] = plan.get("configs") or {PLAIN: {"key": PLAIN}}

    def runs(
        self, case: str, endpoint: str, concurrency: int, stage: str, config: str = PLAIN
    ) -> list[dict[str, Any]]:
        return list(self.groups.get((case, endpoint, concurrency, stage, config), {}).values())

    def ratio(
        self,
        case: str,
        endpoint: str,
        concurrency: int,
        stage: str,
        config: str = PLAIN,
        over: tuple[str, str] | None = None,
    ) -> float | None:
        """Median over repetitions of this server's req/s over another's in the same repetition: by default
        the baseline's, plain; `over` names another (stage, configuration)."""
        mine = self.groups.get((case, endpoint, concurrency, stage, config), {})
        base = self.groups.get((case, endpoint, concurrency, *(over or (self.baseline, PLAIN))), {})
        ratios = []
        for repetition, run in mine.items():
            other = base.get(repetition)
            if other is None:
                continue
            if other["rps"] > 0:
                ratios.append(run["rps"] / other["rps"])
            elif run["rps"] > 0:
                ratios.append(float("inf"))
        return median(ratios)

    def row(self, case: str, endpoint: str, concurrency: int, stage: str, config: str = PLAIN) -> Row | None:
        runs = self.runs(case, endpoint, concurrency, stage, config)
        if not runs:
            return None
        return {
            "case": case,
            "endpoint": endpoint,
            "concurrency": concurrency,
            "stage": stage,
            "config": config,
            "repetitions": len(runs),
            "rps": median(r["rps"] for r in runs),
            "rps_min": min(r["rps"] for r in runs),
            "rps_max": max(r["rps"] for r in runs),
            "ratio": self.ratio(case, endpoint, concurrency, stage, config),
            "p50_ms": median(r["p50_ms"] for r in runs if r["requests"]),
            "p99_ms": median(r["p99_ms"] for r in runs if r["requests"]),
            "p99_ms_max": max((r["p99_ms"] for r in runs if r["requests"]), default=None),
            "requests": sum(r["requests"] for r in runs),
            "non2xx": sum(r["non2xx"] for r in runs),
            "timeouts": sum(r["timeouts"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "stalled": sum(r["stalled"] for r in runs),
            "late": sum(r.get("late", False) for r in runs),
            # Restarted because it did not answer after errors; "stalled" and "busy" show elsewhere.
            "unanswered": sum(r["restarted"] == "no answer" for r in runs),
            "busy_restarts": sum(r["restarted"] == "busy" for r in runs),
        }

    def rows(self, stage: str | None = None, configs: Iterable[str] = (PLAIN,)) -> Iterator[Row]:
        """Every row in the report's order (case, endpoint, concurrency, stage, configuration); only `stage`'s
        if given."""
        for case in self.cases:
            for endpoint in case["endpoints"]:
                for concurrency in self.concurrency:
                    for each in self.stages if stage is None else [stage]:
                        for config in configs:
                            row = self.row(case["key"], endpoint, concurrency, each, config)
                            if row:
                                yield row

    def case_label(self, key: str) -> str:
        return str(next(case["label"] for case in self.cases if case["key"] == key))


def summary_rows(results: dict[str, Any]) -> list[Row]:
    data = Results(results)
    return list(data.rows(configs=data.configs))


def below_target(results: dict[str, Any]) -> list[tuple[str, str]]:
    """Per local database, the endpoint where the final stage falls furthest below the baseline at c=1."""
    data = Results(results)
    first = data.concurrency[0]
    found = []
    for case in data.cases:
        if case["key"] not in LOCAL_CASES:
            continue
        ratios = {e: data.ratio(case["key"], e, first, data.final) for e in case["endpoints"]}
        known = {e: r for e, r in ratios.items() if r is not None}
        if known:
            worst = min(known, key=lambda e: known[e])
            if known[worst] < C1_SHARE:
                found.append((case["key"], worst))
    return found


# The targets ------------------------------------------------------------------------------------------------


def final_failures(data: Results) -> list[Row]:
    """Target 1: the final stage's rows with a stalled or late run, an error, or no answer after a run."""
    failures = ("stalled", "late", "non2xx", "socket_errors", "unanswered")
    return [row for row in data.rows(data.final) if any(row[key] for key in failures)]


def final_timeouts(data: Results) -> list[Row]:
    """The final stage's rows with answers slower than wrk's timeout; with the mean time per answer that the
    connections and the throughput imply (Little's law), as `mean_s`."""
    return [
        {**row, "mean_s": row["concurrency"] / row["rps"] if row["rps"] else float("inf")}
        for row in data.rows(data.final)
        if row["timeouts"]
    ]


@dataclass
class Comparison:
    """The final stage against the baseline, same case, endpoint and concurrency."""

    endpoint: str
    ratio: float | None
    final: Row | None
    baseline: Row | None

    def meets(self, target: float) -> bool:
        return self.ratio is not None and self.ratio >= target


def compare(data: Results, case: str, endpoint: str, concurrency: int) -> Comparison:
    return Comparison(
        endpoint,
        data.ratio(case, endpoint, concurrency, data.final),
        data.row(case, endpoint, concurrency, data.final),
        data.row(case, endpoint, concurrency, data.baseline),
    )


def single_connection(data: Results) -> dict[str, list[Comparison]]:
    """Target 2: per local database label, every endpoint at the first concurrency."""
    first = data.concurrency[0]
    return {
        case["label"]: [compare(data, case["key"], endpoint, first) for endpoint in data.endpoints]
        for case in data.cases
        if case["key"] in LOCAL_CASES
    }


def remote(data: Results) -> tuple[str, list[Comparison]] | None:
    """Target 3: the remote database's label, its endpoints at the highest concurrency (None: not run)."""
    case = next((case for case in data.cases if case["key"] == REMOTE_CASE), None)
    if case is None:
        return None
    top = max(data.concurrency)
    found = [compare(data, REMOTE_CASE, endpoint, top) for endpoint in case["endpoints"]]
    return case["label"], [comparison for comparison in found if comparison.final and comparison.baseline]


# Server configurations besides plain ------------------------------------------------------------------------


def points(data: Results, configs: Iterable[str]) -> list[tuple[str, str, int]]:
    """(case, endpoint, concurrency) where any of `configs` ran, in the report's order."""
    wanted = set(configs)
    found = {key[:3] for key in data.groups if key[4] in wanted}
    return [
        (case["key"], endpoint, concurrency)
        for case in data.cases
        for endpoint in case["endpoints"]
        for concurrency in data.concurrency
        if (case["key"], endpoint, concurrency) in found
    ]


def server_comparison(data: Results, config: str) -> list[Row]:
    """A server configuration against plain uvicorn, for the baseline and the final stage: each one's gain
    (config over plain, same stage) and the migration's gain under each (final over baseline, same config)."""
    base, final = data.baseline, data.final
    return [
        {
            "case": case,
            "endpoint": endpoint,
            "concurrency": c,
            "baseline": data.row(case, endpoint, c, base),
            "baseline_config": data.row(case, endpoint, c, base, config),
            "baseline_gain": data.ratio(case, endpoint, c, base, config, over=(base, PLAIN)),
            "final": data.row(case, endpoint, c, final),
            "final_config": data.row(case, endpoint, c, final, config),
            "final_gain": data.ratio(case, endpoint, c, final, config, over=(final, PLAIN)),
            "migration": data.ratio(case, endpoint, c, final, PLAIN, over=(base, PLAIN)),
            "migration_config": data.ratio(case, endpoint, c, final, config, over=(base, config)),
        }
        for case, endpoint, c in points(data, [config])
    ]


def tuned_configs(data: Results) -> list[str]:
    return [key for key, config in data.configs.items() if config.get("baseline_only")]


def tuning_comparison(data: Results) -> list[Row]:
    """The baseline tuned by configuration against the final stage (plain both): each tuned server's req/s
    over the final stage's, and the best of them."""
    tuned = tuned_configs(data)
    rows = []
    for case, endpoint, c in points(data, tuned):
        over = (data.final, PLAIN)
        ratios = {key: data.ratio(case, endpoint, c, data.baseline, key, over=over) for key in tuned}
        servers = [
            {"config": key, "row": data.row(case, endpoint, c, data.baseline, key), "vs_final": ratios[key]}
            for key in tuned
        ]
        known = [ratio for ratio in ratios.values() if ratio is not None]
        best = max(
            (key for key in tuned if ratios[key] is not None), key=lambda key: ratios[key] or 0, default=None
        )
        rows.append(
            {
                "case": case,
                "endpoint": endpoint,
                "concurrency": c,
                "baseline": data.row(case, endpoint, c, data.baseline),
                "final": data.row(case, endpoint, c, data.final),
                "tuned": servers,
                "best": max(known) if known else None,
                "best_config": best,
                "as_good": bool(known) and max(known) >= C1_SHARE,
            }
        )
    return rows


def tuning_settings(data: Results) -> dict[str, dict[str, Any]]:
    """Per tuned configuration, what its server reported from inside (bench/tuned_app.py): the settings, the
    same on every report, and the most connections it had checked out at once over all its runs."""
    found: dict[str, dict[str, Any]] = {}
    for run in data.raw["runs"]:
        reported = run.get("tuning")
        if not reported:
            continue
        entry = found.setdefault(run["config"], {**reported, "peak_connections": 0, "differs": False})
        for key, value in reported.items():
            if key != "peak_connections" and entry[key] != value:
                entry["differs"] = True
        entry["peak_connections"] = max(entry["peak_connections"], reported["peak_connections"])
    return found


# Growth with the data and memory ----------------------------------------------------------------------------


def growth_rows(results: dict[str, Any]) -> list[Row]:
    """A row per endpoint and stage: its growth points by number of posts, and the slowdown from the fewest
    posts to the most (req/s at the fewest over req/s at the most)."""
    points_ = results.get("growth") or []
    sizes = sorted({point["posts"] for point in points_})
    rows = []
    for endpoint in dict.fromkeys(point["endpoint"] for point in points_):
        for stage in dict.fromkeys(point["stage"] for point in points_):
            by_size = {p["posts"]: p for p in points_ if p["endpoint"] == endpoint and p["stage"] == stage}
            first, last = by_size.get(sizes[0]), by_size.get(sizes[-1])
            rows.append(
                {
                    "endpoint": endpoint,
                    "stage": stage,
                    "points": [by_size.get(size) for size in sizes],
                    "slowdown": first["rps"] / last["rps"] if first and last and last["rps"] else None,
                }
            )
    return rows


def memory_target(results: dict[str, Any]) -> Row | None:
    """The final stage's memory measurement, whose `met` is the target's (None: not measured)."""
    final = results["plan"]["final"]
    return next((m for m in results.get("memory") or [] if m["stage"] == final), None)


# Driver calls, the concurrency-1 ratios and the floor of the hand-offs --------------------------------------

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


# What MIGRATION.md quotes -----------------------------------------------------------------------------------


def quotable(results: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers MIGRATION.md's `<!-- bench: ... -->` region shows (tools/benchquote.py renders
    them): per database and endpoint, the final stage over the baseline at the first and the highest
    concurrency and the best tuned sync server over the final stage; the memory target; the headline's server
    configuration; target 1; the floor. A value the run did not measure is None."""
    data = Results(results)
    first, top = data.concurrency[0], max(data.concurrency)
    tuning = {(r["case"], r["endpoint"]): r for r in tuning_comparison(data)}
    rows = []
    for case in data.cases:
        for endpoint in case["endpoints"]:
            tuned = tuning.get((case["key"], endpoint))
            rows.append(
                {
                    "database": case["label"],
                    "endpoint": data.endpoints[endpoint]["label"],
                    "first": compare(data, case["key"], endpoint, first),
                    "top": compare(data, case["key"], endpoint, top),
                    "tuned": tuned if tuned and tuned["best"] is not None else None,
                }
            )
    plan = results["plan"]
    return {
        "date": results.get("date"),
        "quick": plan.get("quick", False),
        "repetitions": plan.get("repetitions"),
        "cores": (results.get("machine") or {}).get("cores"),
        "baseline": data.baseline,
        "final": data.final,
        "first": first,
        "top": top,
        "tuned_concurrency": sorted({r["concurrency"] for r in tuning.values()}),
        "rows": rows,
        "headline": (plan.get("configs") or {}).get(PLAIN),
        "memory": memory_target(results),
        "failures": final_failures(data),
        "floor": floor(results),
    }
