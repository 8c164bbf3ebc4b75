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


class Results:
    """Runs grouped by (case, endpoint, concurrency, stage), one entry per repetition."""

    def __init__(self, results: dict[str, Any]) -> None:
        self.raw = results
        plan = results["plan"]
        self.stages: list[str] = plan["stages"]
        self.baseline: str = plan["baseline"]
        self.final: str = plan["final"]
        self.cases: list[dict[str, Any]] = plan["cases"]
        self.endpoints: dict[str, dict[str, Any]] = plan["endpoints"]
        self.concurrency: list[int] = plan["concurrency"]
        self.groups: dict[tuple[str, str, int, str], dict[int, dict[str, Any]]] = defaultdict(dict)
        for run in results["runs"]:
            key = (run["case"], run["endpoint"], run["concurrency"], run["stage"])
            self.groups[key][run["repetition"]] = run

    def runs(self, case: str, endpoint: str, concurrency: int, stage: str) -> list[dict[str, Any]]:
        return list(self.groups.get((case, endpoint, concurrency, stage), {}).values())

    def ratio(self, case: str, endpoint: str, concurrency: int, stage: str) -> float | None:
        """Median over repetitions of this stage's req/s over the baseline's in the same repetition."""
        mine = self.groups.get((case, endpoint, concurrency, stage), {})
        base = self.groups.get((case, endpoint, concurrency, self.baseline), {})
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

    def row(self, case: str, endpoint: str, concurrency: int, stage: str) -> Row | None:
        runs = self.runs(case, endpoint, concurrency, stage)
        if not runs:
            return None
        return {
            "case": case,
            "endpoint": endpoint,
            "concurrency": concurrency,
            "stage": stage,
            "repetitions": len(runs),
            "rps": median(r["rps"] for r in runs),
            "rps_min": min(r["rps"] for r in runs),
            "rps_max": max(r["rps"] for r in runs),
            "ratio": self.ratio(case, endpoint, concurrency, stage),
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

    def rows(self, stage: str | None = None) -> Iterator[Row]:
        """Every row in the report's order (case, endpoint, concurrency, stage); only `stage`'s if given."""
        for case in self.cases:
            for endpoint in case["endpoints"]:
                for concurrency in self.concurrency:
                    for each in self.stages if stage is None else [stage]:
                        row = self.row(case["key"], endpoint, concurrency, each)
                        if row:
                            yield row

    def case_label(self, key: str) -> str:
        return str(next(case["label"] for case in self.cases if case["key"] == key))


def summary_rows(results: dict[str, Any]) -> list[Row]:
    return list(Results(results).rows())


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
