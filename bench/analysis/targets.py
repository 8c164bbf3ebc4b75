"""The targets: the final stage against the baseline (stalls and errors, one connection, the remote database,
memory), and growth with the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.analysis.results import Results, Row

C1_SHARE = 0.90  # the final stage within 10% of the baseline with one connection
REMOTE_GAIN = 1.5  # ... and at least 1.5x the baseline with the 20 ms database at the highest concurrency
REMOTE_CASE = "postgres-20ms"
LOCAL_CASES = ("sqlite", "postgres")


def summary_rows(results: dict[str, Any]) -> list[Row]:
    data = Results(results)
    return list(data.rows(configs=data.configs))


def below_target(results: dict[str, Any]) -> list[tuple[str, str]]:
    """Per local database, the endpoint where the final stage falls furthest below the baseline at c=1, if it
    is below it at all: profiled (bench/profiling.py) whether or not it misses C1_SHARE, so that every run's
    report shows where a slower request spends its time."""
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
            if known[worst] < 1:
                found.append((case["key"], worst))
    return found


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
