"""MIGRATION.md's `<!-- bench: bench/report/results.json -->` region: the benchmark's headline numbers, quoted
from the committed results so that the guide cannot drift from the report.

bench/analysis.py works the numbers out of results.json (`quotable`), as the report does; this module writes
them as Markdown: a table per database and endpoint (the final stage over the baseline with one connection and
with the most, the best tuned sync server over the final stage), then the memory target, the headline's server
configuration, target 1 and the floor of aiosqlite's hand-offs. Whatever the run did not measure (an older
results.json has no tuned servers, memory or hand-offs) is said to be so.
"""

import json
import math
from typing import Any

from bench import analysis
from bench.analysis.configs import AHEAD
from bench.plan import MEMORY_TARGET_MB
from tools import sources

NOT_MEASURED = "not measured in this run"


def render(path: str) -> str:
    """The region's Markdown from the results.json at `path` (relative to the repository)."""
    try:
        results = json.loads(sources.read(path))
        quote = analysis.quotable(results)
    except (ValueError, KeyError, TypeError) as error:
        raise sources.GuideError(f"{path}: not a benchmark's results.json ({error!r})") from error
    return markdown(quote)


def ratio(value: float | None) -> str:
    if value is None:
        return "–"
    return "∞" if value == math.inf else f"{value:.2f}×"


def rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def short(stage: str) -> str:
    return stage.split("_", 1)[0]


def markdown(quote: dict[str, Any]) -> str:
    final, baseline = short(quote["final"]), short(quote["baseline"])
    migration = f"{final} ÷ {baseline}"
    lines = [
        f"| database | endpoint | c={quote['first']}: {migration} | c={quote['top']}: {migration} "
        f"| c={quote['first']}: {final} with its engine tuned ÷ {final} |",
        "|---|---|---:|---:|---:|",
    ]
    missing = False
    for row in quote["rows"]:
        first, top, engine = row["first"], row["top"], row["engine"]
        cells = [first_cell(first), top_cell(top), ratio(engine["gain"]) if engine else "–"]
        missing = missing or "–" in cells
        lines.append(f"| {row['database']} | `{row['endpoint']}` | " + " | ".join(cells) + " |")
    lines += ["", *notes(quote, missing), "", *decision(quote)]
    return "\n".join(lines) + "\n"


def decision(quote: dict[str, Any]) -> list[str]:
    """What to run instead of migrating, per database and concurrency, and where the async stage wins."""
    final, rows = short(quote["final"]), quote["decision"]
    if not rows:
        return [f"**What to run instead of migrating**: {NOT_MEASURED} (no sync server ran beside {final})."]
    endpoints = [e for e in quote["endpoints"] if any(e in row["cells"] for row in rows)]
    lines = [
        f"**What to run instead of migrating**: per database and number of connections, the sync server that "
        f"is best on the most endpoints, of every sync stage ({', '.join(map(short, quote['sync_stages']))}) "
        f"plain and tuned; each cell is {final}'s req/s over the best sync server's for that endpoint (named "
        f"where it is another), **bold** where {final} serves more than {AHEAD:.2f}× it (async wins), ✗ "
        f"where less than {analysis.C1_SHARE:.2f}× (sync wins).",
        "",
        "| database | c | choose instead | " + " | ".join(f"`{e}`" for e in endpoints) + " |",
        "|---|---:|---|" + "---:|" * len(endpoints),
    ]
    wins: dict[str, list[str]] = {"async": [], "sync": []}
    for row in rows:
        cells = []
        for endpoint in endpoints:
            cell = row["cells"].get(endpoint)
            cells.append(decision_cell(cell, row["choice"]))
            if cell and cell["verdict"] in wins:
                wins[cell["verdict"]].append(f"{row['database']} `{endpoint}` c={row['concurrency']}")
        lines.append(
            f"| {row['database']} | {row['concurrency']} | {row['choice']} | " + " | ".join(cells) + " |"
        )
    total = sum(len(row["cells"]) for row in rows)
    lines += [
        "",
        f"- **{final} wins** at {len(wins['async'])} of the {total} points"
        + (f"; a sync server is ahead at {len(wins['sync'])}: {'; '.join(wins['sync'])}." if wins["sync"] else
           "; no sync server is ahead of it anywhere."),
    ]  # fmt: skip
    return lines


def decision_cell(cell: dict[str, Any] | None, choice: str) -> str:
    if cell is None:
        return "–"
    text = ratio(cell["over"])
    text = f"**{text}**" if cell["verdict"] == "async" else f"{text} ✗" if cell["verdict"] == "sync" else text
    return text + (f" ({cell['best']})" if cell["best"] != choice else "")


def first_cell(c: analysis.Comparison) -> str:
    if c.ratio is None or not c.final or not c.baseline:
        return "–"
    mark = "" if c.meets(analysis.C1_SHARE) else " ✗"
    return f"{ratio(c.ratio)}{mark} ({rps(c.final['rps'])} vs {rps(c.baseline['rps'])} req/s)"


def top_cell(c: analysis.Comparison) -> str:
    if c.ratio is None:
        return "–"
    return ratio(c.ratio) + (" (the baseline answered nothing)" if c.ratio == math.inf else "")


def notes(quote: dict[str, Any], missing: bool) -> list[str]:
    final, baseline = quote["final"], quote["baseline"]
    run = "a quick run, which proves the harness and measures nothing" if quote["quick"] else "a full run"
    date = (quote["date"] or "an unknown date")[:10]
    found = [
        f"From the run of {date} ({run}; {analysis.plural(quote['repetitions'], 'repetition')} on "
        f"{quote['cores']} cores), "
        f"medians of the per-repetition ratios; ✗ marks a ratio under {analysis.C1_SHARE:.2f}× at "
        f"concurrency {quote['first']}" + (f"; –: {NOT_MEASURED}." if missing else "."),
        "",
    ]
    headline = quote["headline"]
    workers = headline["workers"] if headline else 1
    server = (
        f"{headline['label']}, {'one worker' if workers == 1 else f'{workers} workers'}"
        if headline
        else "plain uvicorn, as every stage's requirements install it (this run did not record its "
        "configuration)"
    )
    found.append(
        f"- **Server**: every ratio of {final} over {baseline} is on {server}; the tuned servers are the "
        "same stages configured otherwise."
    )
    memory = quote["memory"]
    if memory:
        verdict = "met" if memory["met"] else "**not met**"
        found.append(
            f"- **Memory**: {final}'s server peaked at {memory['peak_mb']:.1f} MB serving "
            f"{memory['connections']} concurrent `GET /` over {memory['posts']:,} posts of "
            f"{memory['chars']:,} characters; the target, under {memory['target_mb']} MB: {verdict}."
        )
    else:
        found.append(f"- **Memory**: {NOT_MEASURED} (the target: {final} under {MEMORY_TARGET_MB} MB).")
    failures = quote["failures"]
    found.append(
        f"- **Stalls and errors**: {final} stalled, answered an error or fell silent in "
        + (f"{len(failures)} of the report's rows." if failures else "none of its runs.")
    )
    found += floor_notes(quote) + engine_notes(quote)
    return found


def engine_notes(quote: dict[str, Any]) -> list[str]:
    """The final stage with its engine tuned for this app, over itself plain, where it ran."""
    rows = [row for row in quote["engine_tuning"] if row["gain"] is not None]
    if not rows:
        return [f"- **The engine tuned for this app**: {NOT_MEASURED}."]
    gains = ", ".join(
        f"{row['database']} `{row['endpoint']}` c={row['concurrency']} {ratio(row['gain'])}" for row in rows
    )
    return [
        "- **The engine tuned for this app** (`pool_reset_on_return=None` on SQLite, asyncpg's "
        "`is_closed()` at checkout instead of `pool_pre_ping` on PostgreSQL; the report's section on it), "
        f"its req/s over {short(quote['final'])} plain: {gains}."
    ]


def floor_notes(quote: dict[str, Any]) -> list[str]:
    floor, first = quote["floor"], quote["first"]
    handoff = floor["handoff"]
    cost = (
        f"one aiosqlite hand-off cost {handoff['cost_us']:.1f} µs"
        if handoff
        else f"the hand-off cost: {NOT_MEASURED}"
    )
    if not floor["rows"]:
        if not floor["compared"]:
            return [f"- **The floor**: nothing was measured at concurrency {first} for both stages; {cost}."]
        return [
            f"- **The floor**: at concurrency {first}, {quote['final']} is at or above "
            f"{analysis.C1_SHARE:.2f}× {quote['baseline']} everywhere, so there is no gap to explain; {cost}."
        ]
    found = [f"- **The floor** at concurrency {first} ({cost}):"]
    for row in floor["rows"]:
        gap = f", {row['gap_us']:,.0f} µs longer a request" if row["gap_us"] is not None else ""
        found.append(
            f"  - `{row['label']}` on {row['database']} ({ratio(row['ratio'])}{gap}): {row['verdict']}"
        )
    return found
