"""REPORT.md from results.json: the facts gathered here, the words in templates/REPORT.md.j2."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jinja2

from bench import analysis
from bench.analysis import Results
from bench.analysis.configs import AHEAD, configs_for, name

TEMPLATES = Path(__file__).resolve().parent / "templates"


def write_report(results: dict[str, Any], folder: Path) -> None:
    """REPORT.md in `folder`, next to results.json and the profiles it names."""
    (folder / "REPORT.md").write_text(render(results, folder), encoding="utf-8")


def render(results: dict[str, Any], folder: Path) -> str:
    """The report's text; `folder` holds the profiles that results.json names."""
    text = jinja_environment().get_template("REPORT.md.j2").render(context(results, folder))
    # A section with nothing to say leaves its blank lines behind: at most one blank line in a row.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def jinja_environment() -> jinja2.Environment:
    """Markdown out, an error for any name the template uses that the context lacks."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "num": num, "fixed": fixed, "percent": percent, "ratio": ratio, "short": short, "oneline": oneline,
        "count": count, "size": size,
    }  # fmt: skip
    env.tests["infinite"] = lambda value: value == math.inf
    return env


def context(results: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Everything the template uses: results.json as it is, and what is worked out from it."""
    data = Results(results)
    versions = results.get("versions") or {}
    baseline, final = versions.get(data.baseline, {}), versions.get(data.final, {})
    return {
        "results": results,
        "plan": results["plan"],
        "data": data,
        "first": data.concurrency[0],
        "top": max(data.concurrency),
        "packages": [
            (name, baseline.get(name, "–"), final.get(name, "–"))
            for name in sorted(set(baseline) | set(final))
        ],
        "c1_share": analysis.C1_SHARE,
        "remote_gain": analysis.REMOTE_GAIN,
        "failures": analysis.final_failures(data),
        "timeouts": analysis.final_timeouts(data),
        "single_connection": analysis.single_connection(data),
        "remote": analysis.remote(data),
        "counts": statement_counts(results),
        "driver_calls": driver_call_tables(results, data),
        "floor": analysis.floor(results),
        "profiles": [profile_summary(folder / name) for name in results.get("profiles") or []],
        "busy_restarts": sum(run["restarted"] == "busy" for run in results["runs"]),
        "rtts": results.get("proxy_rtt_ms") or {},
        "tables": results_tables(data),
        "server_sections": [
            (data.configs[key], analysis.server_comparison(data, key)) for key in configs_for(data, "pair")
        ],
        "tuned": [data.configs[key] for key in configs_for(data, "sync")],
        "sync_servers": [(f"{short(s)} {c}", name((s, c))) for s, c in analysis.sync_servers(data)],
        "tuning": analysis.tuning_comparison(data),
        "tuning_settings": analysis.tuning_settings(data),
        "engine": analysis.engine_tuning(data),
        "engine_configs": [data.configs[key] for key in configs_for(data, "final")],
        "decision": analysis.decision(data),
        "ahead": AHEAD,
        "tuned_levels": tuned_levels(data),
        "DATABASES": DATABASES,
        "growth": analysis.growth_rows(results),
        "growth_sizes": sorted({point["posts"] for point in results.get("growth") or []}),
        "memory": results.get("memory") or [],
        "memory_target": analysis.memory_target(results),
    }


def tuned_levels(data: Results) -> str:
    """Where each sync stage ran tuned: `00 at c=64, 04 at c=16/64/256`."""
    tuned = set(configs_for(data, "sync"))
    levels: dict[str, set[int]] = {}
    for _case, _endpoint, c, stage, config in data.groups:
        if config in tuned:
            levels.setdefault(stage, set()).add(c)
    return ", ".join(f"{short(stage)} at c={'/'.join(map(str, sorted(levels[stage])))}" for stage in levels)


def results_tables(data: Results) -> list[dict[str, Any]]:
    """A table per case and endpoint, a row per concurrency, stage and configuration (plain first)."""
    tables = []
    for case in data.cases:
        for endpoint in case["endpoints"]:
            rows = [
                data.row(case["key"], endpoint, concurrency, stage, config)
                for concurrency in data.concurrency
                for config in data.configs
                for stage in data.stages
            ]
            label = data.endpoints[endpoint]["label"]
            tables.append({"case": case["label"], "endpoint": label, "rows": [row for row in rows if row]})
    return tables


def statement_counts(results: dict[str, Any]) -> dict[str, Any] | None:
    """The counts table, stage by endpoint, on SQLite (or the one database counted), the statement the
    baseline repeats most (if any grows), and where the other database counted other numbers."""
    by_database = analysis.counts_by_database(results)
    if not by_database:
        return None
    database = "sqlite" if "sqlite" in by_database else next(iter(by_database))
    counts = by_database[database]
    stages = list(counts)
    first = counts[stages[0]]
    growing = [
        (endpoint, found["most_repeated"])
        for endpoint, found in first["counts"].items()
        if found["large"] > found["small"]
    ]
    repeated = None
    if growing:
        endpoint, (statement, times) = growing[0]
        repeated = {"endpoint": endpoint, "statement": " ".join(statement.split()), "times": times}
    others = {}
    for other, found in by_database.items():
        if other == database:
            continue
        others[DATABASES.get(other, other)] = [
            f"`{endpoint}` at {short(stage)}"
            for stage in stages
            for endpoint, mine in counts[stage]["counts"].items()
            if (theirs := found.get(stage, {}).get("counts", {}).get(endpoint)) is None
            or (theirs["small"], theirs["large"]) != (mine["small"], mine["large"])
        ]
    return {
        "database": DATABASES.get(database, database),
        "others": others,
        "stages": stages,
        "sizes": first["sizes"],
        "rows": [
            (endpoint, [counts[stage]["counts"].get(endpoint) for stage in stages])
            for endpoint in first["counts"]
        ],
        "failed": [stage for stage, found in counts.items() if not found.get("passed", True)],
        "repeated": repeated,
    }


DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The driver calls' columns: the key in results.json, and its heading.
CALL_COLUMNS = {
    "statements": "statements",
    "begin": "BEGIN",
    "commit": "COMMIT",
    "rollback": "ROLLBACK",
    "reset": "pool reset",
    "ping": "pings",
}


def driver_call_tables(results: dict[str, Any], data: Results) -> list[dict[str, Any]]:
    """Per database: a row per benchmarked endpoint and benched stage with the driver calls of one request
    with the benchmark's 500 posts (`10 posts → 500 posts` where they differ), and the hand-offs on SQLite;
    plus what every row has in common (checkouts and connections). A database the run did not count is left
    out."""
    tables = []
    for backend, label in DATABASES.items():
        rows: list[dict[str, Any]] = []
        checkouts: set[int] = set()
        connects: set[int] = set()
        for endpoint in data.endpoints.values():
            for stage in data.stages:
                calls = analysis.driver_calls(results, backend, stage, endpoint["label"])
                if not calls:
                    continue
                small, large = calls["small"], calls["large"]
                checkouts |= {small["checkout"], large["checkout"]}
                connects |= {small["connect"], large["connect"]}
                cells = [pair(small[key], large[key]) for key in CALL_COLUMNS]
                if backend == analysis.HANDOFF_BACKEND:
                    by_call = ", ".join(
                        f"{name} ×{n}" if n > 1 else name for name, n in large["handoffs_by_call"].items()
                    )
                    handoffs = pair(small["handoffs"], large["handoffs"])
                    cells.append(f"{handoffs}: {by_call}" if by_call else handoffs)
                rows.append({"endpoint": endpoint["label"], "stage": stage, "cells": cells})
        if rows:
            columns = list(CALL_COLUMNS.values())
            if backend == analysis.HANDOFF_BACKEND:
                columns.append("hand-offs")
            tables.append(
                {
                    "database": label,
                    "columns": columns,
                    "rows": rows,
                    "checkouts": sorted(checkouts),
                    "connects": sorted(connects),
                }
            )
    return tables


def pair(small: int, large: int) -> str:
    return str(large) if small == large else f"{small} → {large}"


def profile_summary(path: Path) -> dict[str, Any]:
    """A profile by bench/profile_app.py: its two header lines, the top of its self-time list, and the share
    of the time spent in aiosqlite's own functions."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    own = [line for line in text.split("most time of their own", 1)[-1].splitlines() if "%" in line]
    return {
        "name": path.name,
        "header": " ".join(text.splitlines()[:2]),
        "top": own[:8],
        "aiosqlite_share": sum(float(line.split("%", 1)[0]) for line in own if "aiosqlite" in line),
    }


# Filters ----------------------------------------------------------------------------------------------------


def num(value: float | None, digits: int = 1) -> str:
    """A measurement: three significant figures or so, thousands separated, – for none, ∞."""
    if value is None:
        return "–"
    if value == math.inf:
        return "∞"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def fixed(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def percent(share: float) -> str:
    return f"{share:.0%}"


def ratio(value: float | None) -> str:
    """A ratio to the baseline: 1.23×, – for none, ∞ where the baseline answered nothing."""
    if value is None:
        return "–"
    if value == math.inf:
        return "∞"
    return f"{value:.2f}×"


def short(stage: str) -> str:
    """A stage's number: 00_sync_baseline is 00."""
    return stage.split("_", 1)[0]


def count(value: int) -> str:
    """A whole number with thousands separated: 50,000."""
    return f"{value:,}"


def size(octets: int) -> str:
    """A number of bytes: 1.2 MB, 45 kB, 812 B."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if octets >= scale:
            return f"{octets / scale:.{1 if octets < 10 * scale else 0}f} {unit}"
    return f"{octets} B"


def oneline(text: str) -> str:
    """A paragraph wrapped in the template as one Markdown line."""
    return " ".join(text.split())
