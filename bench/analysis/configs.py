"""Server configurations besides plain: another server for the baseline and the final stage (`standard`), the
final stage with its engine tuned for this app (`tuned`), and the sync stages tuned instead of migrated
(`pool40`, `workers2`): what each gains, the best sync server at each point, and what a reader should choose.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from bench.analysis.results import PLAIN, Results, Row
from bench.analysis.targets import C1_SHARE

AHEAD = 1 / C1_SHARE  # the final stage wins where it serves more than this times the best sync server


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


def applies_to(config: dict[str, Any]) -> str:
    """Which stages a configuration ran on: "sync", "final", "pair" or "all" (older runs: baseline_only)."""
    return str(config.get("stages") or ("sync" if config.get("baseline_only") else "pair"))


def configs_for(data: Results, stages: str) -> list[str]:
    return [key for key, config in data.configs.items() if key != PLAIN and applies_to(config) == stages]


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


def engine_tuning(data: Results) -> list[Row]:
    """The final stage with its engine tuned against itself plain (`gain`), and both against the baseline."""
    rows = []
    for key in configs_for(data, "final"):
        for case, endpoint, c in points(data, [key]):
            final = (data.final, PLAIN)
            rows.append(
                {
                    "config": key,
                    "case": case,
                    "endpoint": endpoint,
                    "concurrency": c,
                    "plain": data.row(case, endpoint, c, data.final),
                    "tuned": data.row(case, endpoint, c, data.final, key),
                    "gain": data.ratio(case, endpoint, c, data.final, key, over=final),
                    "plain_vs_baseline": data.ratio(case, endpoint, c, data.final),
                    "tuned_vs_baseline": data.ratio(case, endpoint, c, data.final, key),
                }
            )
    return rows


def sync_servers(data: Results) -> list[tuple[str, str]]:
    """Every sync server a reader could run instead of migrating: each sync stage, plain and tuned."""
    return [(stage, config) for stage in data.sync_stages for config in [PLAIN, *configs_for(data, "sync")]]


def name(server: tuple[str, str]) -> str:
    stage, config = server
    return stage if config == PLAIN else f"{stage} ({config})"


def best_sync(data: Results, case: str, endpoint: str, c: int) -> Row | None:
    """At one point: every sync server that ran there with the final stage's req/s over its own (`over`,
    median of the per-repetition ratios), and the best of them: the one the final stage is least ahead of."""
    servers: list[Row] = []
    for server in sync_servers(data):
        row = data.row(case, endpoint, c, *server)
        over = data.ratio(case, endpoint, c, data.final, PLAIN, over=server)
        if row is not None and over is not None:
            servers.append({"server": server, "name": name(server), "row": row, "over": over})
    if not servers:
        return None
    best = min(servers, key=lambda s: float(s["over"]))
    over = float(best["over"])
    return {
        "case": case,
        "endpoint": endpoint,
        "concurrency": c,
        "servers": servers,
        "best": best,
        "final": data.row(case, endpoint, c, data.final),
        "final_over_best": over,
        "as_good": over <= AHEAD,
        "verdict": verdict(over),
    }


def tuning_comparison(data: Results) -> list[Row]:
    """Where the sync stages ran tuned: every sync server against the final stage, and the best of them."""
    found = (best_sync(data, *point) for point in points(data, configs_for(data, "sync")))
    return [row for row in found if row]


def verdict(over: float | None) -> str:
    """The final stage over the best sync server: "async" ahead, "sync" ahead, or "even" (within 10%)."""
    if over is None:
        return "–"
    return "async" if over > AHEAD else "sync" if over < C1_SHARE else "even"


def decision(data: Results) -> list[Row]:
    """Per database and concurrency, the sync server a reader should run instead of migrating, the final
    stage's req/s over the best sync server per endpoint, and which side is ahead. The choice is the server
    that is best on the most endpoints (then: the final stage least ahead of it, geometric mean)."""
    rows = []
    for case in data.cases:
        for c in data.concurrency:
            cells = {e: best_sync(data, case["key"], e, c) for e in case["endpoints"]}
            known = {e: cell for e, cell in cells.items() if cell}
            if not known:
                continue
            wins: dict[tuple[str, str], int] = {}
            for cell in known.values():
                wins[cell["best"]["server"]] = wins.get(cell["best"]["server"], 0) + 1
            choice = min(
                wins, key=lambda server: (-wins[server], geometric_over(list(known.values()), server))
            )
            rows.append(
                {
                    "case": case["key"],
                    "database": case["label"],
                    "concurrency": c,
                    "choice": name(choice),
                    "cells": {
                        e: {
                            "over": cell["final_over_best"],
                            "best": cell["best"]["name"],
                            "verdict": verdict(cell["final_over_best"]),
                        }
                        for e, cell in known.items()
                    },
                }
            )
    return rows


def geometric_over(cells: list[Row], server: tuple[str, str]) -> float:
    """The geometric mean of the final stage's req/s over this server's, over the cells where it ran."""
    overs = [s["over"] for cell in cells for s in cell["servers"] if s["server"] == server]
    finite = [over for over in overs if 0 < over < math.inf]
    return math.exp(sum(map(math.log, finite)) / len(finite)) if finite else math.inf


def tuning_settings(data: Results) -> dict[str, dict[str, Any]]:
    """Per tuned configuration (and database, for the engine's tuning), what its server reported from inside
    (bench/tuned_app.py): the settings, the same on every report, and the most connections it had checked out
    at once over all its runs."""
    found: dict[str, dict[str, Any]] = {}
    for run in data.raw["runs"]:
        reported = run.get("tuning")
        if not reported:
            continue
        key = run["config"] + (f"/{reported['dialect']}" if "dialect" in reported else "")
        entry = found.setdefault(key, {**reported, "peak_connections": 0, "differs": False})
        for field, value in reported.items():
            if field != "peak_connections" and entry.get(field) != value:
                entry["differs"] = True
        entry["peak_connections"] = max(entry["peak_connections"], reported["peak_connections"])
    return found
