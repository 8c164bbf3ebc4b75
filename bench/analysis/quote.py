"""What MIGRATION.md quotes (tools/benchquote.py renders it): the headline numbers, the decision table of
"When not to go async", the engine's tuning, the memory target, target 1 and the floor."""

from __future__ import annotations

from typing import Any

from bench.analysis.configs import decision, engine_tuning
from bench.analysis.floor import floor
from bench.analysis.results import PLAIN, Results
from bench.analysis.targets import compare, final_failures, memory_target


def quotable(results: dict[str, Any]) -> dict[str, Any]:
    """Per database and endpoint, the final stage over the baseline at the first and the highest concurrency
    and the final stage with its engine tuned over itself plain at the first; per database and concurrency,
    the sync server to choose instead of migrating and the final stage over the best sync server per endpoint
    (`decision`); the memory target; the headline's server configuration; target 1; the floor. A value the run
    did not measure is None."""
    data = Results(results)
    first, top = data.concurrency[0], max(data.concurrency)
    tuned = {(r["case"], r["endpoint"], r["concurrency"]): r for r in engine_tuning(data)}
    rows = []
    for case in data.cases:
        for endpoint in case["endpoints"]:
            engine = tuned.get((case["key"], endpoint, first))
            rows.append(
                {
                    "database": case["label"],
                    "endpoint": data.endpoints[endpoint]["label"],
                    "first": compare(data, case["key"], endpoint, first),
                    "top": compare(data, case["key"], endpoint, top),
                    "engine": engine if engine and engine["gain"] is not None else None,
                }
            )
    decided = decision(data)
    for row in decided:
        row["cells"] = {data.endpoints[e]["label"]: cell for e, cell in row["cells"].items()}
    plan = results["plan"]
    return {
        "date": results.get("date"),
        "quick": plan.get("quick", False),
        "repetitions": plan.get("repetitions"),
        "cores": (results.get("machine") or {}).get("cores"),
        "baseline": data.baseline,
        "final": data.final,
        "sync_stages": data.sync_stages,
        "first": first,
        "top": top,
        "endpoints": [endpoint["label"] for endpoint in data.endpoints.values()],
        "rows": rows,
        "decision": decided,
        "engine_tuning": [
            {**r, "database": data.case_label(r["case"]), "endpoint": data.endpoints[r["endpoint"]]["label"]}
            for r in tuned.values()
        ],
        "headline": (plan.get("configs") or {}).get(PLAIN),
        "memory": memory_target(results),
        "failures": final_failures(data),
        "floor": floor(results),
    }
