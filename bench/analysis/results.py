"""results.json grouped by run: medians, ratios between two servers in the same repetition, the rows of the
report's tables."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

Row = dict[str, Any]  # one line of a results table: medians and sums over the repetitions
PLAIN = "plain"  # the configuration of the headline numbers (bench/plan.py's CONFIGS)


def median(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


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
        # The stages whose routes use a sync Session (a run before they were recorded: the baseline).
        self.sync_stages: list[str] = plan.get("sync_stages") or [self.baseline]

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
