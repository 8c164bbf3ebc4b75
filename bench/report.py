"""Turn bench/run.py's results.json into REPORT.md and the PNG charts; also usable on its own:

python bench/report.py bench/report        # rewrite REPORT.md and the charts from results.json
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

C1_SHARE = 0.90  # the final stage within 10% of the baseline with one connection
REMOTE_GAIN = 1.5  # ... and at least 1.5x the baseline with the 20 ms database at the highest concurrency
REMOTE_CASE = "postgres-20ms"
LOCAL_CASES = ("sqlite", "postgres")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Results:
    """Runs grouped by (case, endpoint, concurrency, stage), one entry per repetition."""

    def __init__(self, results: dict) -> None:
        self.raw = results
        plan = results["plan"]
        self.stages: list[str] = plan["stages"]
        self.baseline: str = plan["baseline"]
        self.final: str = plan["final"]
        self.cases: list[dict] = plan["cases"]
        self.endpoints: dict[str, dict] = plan["endpoints"]
        self.concurrency: list[int] = plan["concurrency"]
        self.groups: dict[tuple, dict[int, dict]] = defaultdict(dict)
        for run in results["runs"]:
            key = (run["case"], run["endpoint"], run["concurrency"], run["stage"])
            self.groups[key][run["repetition"]] = run

    def runs(self, case, endpoint, concurrency, stage) -> list[dict]:
        return list(self.groups.get((case, endpoint, concurrency, stage), {}).values())

    def ratio(self, case, endpoint, concurrency, stage) -> float | None:
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

    def row(self, case, endpoint, concurrency, stage) -> dict | None:
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

    def rows(self):
        for case in self.cases:
            for endpoint in case["endpoints"]:
                for concurrency in self.concurrency:
                    for stage in self.stages:
                        row = self.row(case["key"], endpoint, concurrency, stage)
                        if row:
                            yield row


def summary_rows(results: dict) -> list[dict]:
    return list(Results(results).rows())


def below_target(results: dict) -> list[tuple[str, str]]:
    """Per local database, the endpoint where the final stage falls furthest below the baseline at c=1."""
    data = Results(results)
    first = data.concurrency[0]
    found = []
    for case in data.cases:
        if case["key"] not in LOCAL_CASES:
            continue
        ratios = {e: data.ratio(case["key"], e, first, data.final) for e in case["endpoints"]}
        ratios = {e: r for e, r in ratios.items() if r is not None}
        if ratios:
            worst = min(ratios, key=ratios.get)
            if ratios[worst] < C1_SHARE:
                found.append((case["key"], worst))
    return found


# Formatting -------------------------------------------------------------------------------------------------


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ratio_text(value: float | None, short: bool = False) -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞" if short else "∞ (the baseline answered nothing within the run)"
    return f"{value:.2f}×"


def short(stage: str) -> str:
    return stage.split("_", 1)[0]


def case_label(data: Results, key: str) -> str:
    return next(case["label"] for case in data.cases if case["key"] == key)


def p99_text(row: dict) -> str:
    text = num(row["p99_ms"])
    if row["timeouts"] and row["requests"] and row["timeouts"] >= 0.01 * (row["requests"]):
        text += " (> 2 s: timeouts)"
    return text


def problems(row: dict) -> str:
    parts = []
    if row["stalled"]:
        parts.append(f"**stalled {row['stalled']}/{row['repetitions']}**")
    if row["late"]:
        parts.append(f"late {row['late']}/{row['repetitions']}")
    if row["unanswered"]:
        parts.append(f"**no answer after the run {row['unanswered']}/{row['repetitions']}**")
    return ", ".join(parts)


# The report -------------------------------------------------------------------------------------------------


def targets(data: Results) -> list[str]:
    lines = ["## Targets", ""]
    final, base = data.final, data.baseline
    # 1. The final stage never stalls or errors.
    bad, slow = [], []
    for case in data.cases:
        for endpoint in case["endpoints"]:
            for concurrency in data.concurrency:
                row = data.row(case["key"], endpoint, concurrency, final)
                if not row:
                    continue
                where = f"{case['label']}, {data.endpoints[endpoint]['label']}, c={concurrency}"
                failures = ("stalled", "late", "non2xx", "socket_errors", "unanswered")
                if any(row[key] for key in failures):
                    bad.append(
                        f"{where}: {row['stalled']} stalled and {row['late']} late runs, "
                        f"{row['non2xx']} non-2xx, {row['socket_errors']} socket errors, "
                        f"{row['unanswered']} times no answer after a run"
                    )
                if row["timeouts"]:
                    mean_s = concurrency / row["rps"] if row["rps"] else float("inf")
                    slow.append(
                        f"{where}: {row['timeouts']} answers over 2 s at {num(row['rps'])} req/s, where "
                        f"{concurrency} connections mean {mean_s:.1f} s per answer on average (Little's law)"
                    )
    top = max(data.concurrency)
    verdict = "met" if not bad else "**not met**"
    lines.append(
        f"1. **{final} never stalls or errors, up to {top} connections, on every database**: {verdict}. "
        "Over all its runs: no stalled or late run, no non-2xx answer, no socket error, and it always "
        "answered after a run" + ("." if not bad else ", except:")
    )
    lines += [f"   - {item}" for item in bad]
    if slow:
        lines.append(
            "   Timeouts (answers slower than wrk's 2 s) are latency, not errors: they come where the "
            "requests in flight divided by the throughput exceed 2 s:"
        )
        lines += [f"   - {item}" for item in slow]
    # 2. Within 10% at concurrency 1.
    first = data.concurrency[0]
    lines += [
        "",
        f"2. **{final} within {100 - C1_SHARE * 100:.0f}% of {base} at concurrency {first}** "
        "(median over repetitions of the per-repetition req/s ratio):",
        "",
        "   | database | " + " | ".join(data.endpoints[e]["label"] for e in data.endpoints) + " |",
        "   |---|" + "---|" * len(data.endpoints),
    ]
    for case in data.cases:
        if case["key"] not in LOCAL_CASES:
            continue
        cells = []
        for endpoint in data.endpoints:
            ratio = data.ratio(case["key"], endpoint, first, final)
            mark = "" if ratio is None or ratio >= C1_SHARE else " ✗"
            mine, base_row = (
                data.row(case["key"], endpoint, first, final),
                data.row(case["key"], endpoint, first, base),
            )
            rates = f" ({num(mine['rps'])} vs {num(base_row['rps'])} req/s)" if mine and base_row else ""
            cells.append(ratio_text(ratio) + mark + rates)
        lines.append(f"   | {case['label']} | " + " | ".join(cells) + " |")
    # 3. The remote database.
    remote = next((case for case in data.cases if case["key"] == REMOTE_CASE), None)
    if remote:
        lines += [
            "",
            f"3. **{remote['label']}, {top} connections: {final} at least {REMOTE_GAIN}× {base}**:",
            "",
        ]
        for endpoint in remote["endpoints"]:
            ratio = data.ratio(REMOTE_CASE, endpoint, top, final)
            base_row = data.row(REMOTE_CASE, endpoint, top, base)
            final_row = data.row(REMOTE_CASE, endpoint, top, final)
            if not (base_row and final_row):
                continue
            verdict = "met" if ratio is not None and ratio >= REMOTE_GAIN else "**not met**"
            lines.append(
                f"   - {data.endpoints[endpoint]['label']}: {num(final_row['rps'])} vs "
                f"{num(base_row['rps'])} req/s, {ratio_text(ratio)}: {verdict}"
            )
    return lines


def counts_table(results: dict) -> list[str]:
    counts = results.get("statement_counts") or {}
    if not counts:
        return []
    stages = list(counts)
    sizes = next(iter(counts.values()))["sizes"]
    endpoints = list(next(iter(counts.values()))["counts"])
    lines = [
        "## SQL statements per request",
        "",
        f"Counted by `tests/stage/test_statement_counts.py` in each stage's venv (SQLite), with {sizes[0]} "
        f"posts and then {sizes[1]} posts by 50 users: `small → large`. Growth (bold) is a query per row: "
        "the N+1 lazy loads of each post's author. Stages with `lazy_raise` in the manifest must not grow, "
        "and the test fails if they do.",
        "",
        "| endpoint | " + " | ".join(short(s) for s in stages) + " |",
        "|---|" + "---|" * len(stages),
    ]
    for endpoint in endpoints:
        cells = []
        for stage in stages:
            found = counts[stage]["counts"].get(endpoint)
            if not found:
                cells.append("–")
                continue
            text = f"{found['small']} → {found['large']}"
            cells.append(f"**{text}**" if found["large"] > found["small"] else text)
        lines.append(f"| `{endpoint}` | " + " | ".join(cells) + " |")
    failed = [stage for stage, found in counts.items() if not found.get("passed", True)]
    if failed:
        lines += ["", f"**The statement count test failed for: {', '.join(failed)}.**"]
    grows = [
        (endpoint, found["most_repeated"])
        for endpoint, found in counts[stages[0]]["counts"].items()
        if found["large"] > found["small"]
    ]
    if grows:
        endpoint, (statement, times) = grows[0]
        one_line = " ".join(statement.split())
        lines += [
            "",
            f"In {stages[0]}, `{endpoint}` with {sizes[1]} posts runs this statement {times} times:",
            "",
            f"```sql\n{one_line}\n```",
        ]
    return lines


def results_tables(data: Results) -> list[str]:
    lines = ["## Results", ""]
    lines.append(
        "Medians over the repetitions. `× base` is the median of the per-repetition ratios to "
        f"{data.baseline} (same database, endpoint and concurrency; ∞ where the baseline answered nothing "
        "within the run). Latencies in ms, of the answers that "
        "came within the run. `issues` counts stalled and late runs (see Method) and servers that did not "
        "answer a probe after a run with errors."
    )
    for case in data.cases:
        for endpoint in case["endpoints"]:
            label = data.endpoints[endpoint]["label"]
            lines += [
                "",
                f"### {case['label']}: `{label}`",
                "",
                "| c | stage | req/s | × base | p50 | p99 | non-2xx | timeouts | socket errors | issues |",
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
            ]
            for concurrency in data.concurrency:
                for stage in data.stages:
                    row = data.row(case["key"], endpoint, concurrency, stage)
                    if not row:
                        continue
                    lines.append(
                        f"| {concurrency} | {stage} | {num(row['rps'])} | {ratio_text(row['ratio'], True)} | "
                        f"{num(row['p50_ms'])} | {p99_text(row)} | {row['non2xx']} | {row['timeouts']} | "
                        f"{row['socket_errors']} | {problems(row)} |"
                    )
    return lines


def para(text: str, **values) -> str:
    """One Markdown line from a wrapped, indented literal: whitespace collapsed, values filled in."""
    return " ".join(text.format(**values).split())


def method(results: dict, data: Results) -> list[str]:
    plan = results["plan"]
    rtts = results.get("proxy_rtt_ms") or {}
    busy = sum(run["restarted"] == "busy" for run in results["runs"])
    durations = "; ".join(f"{case['label']}: {case['duration_s']} s" for case in data.cases)
    lines = [
        "## Method",
        "",
        para(
            """- Stages marked `bench = true` in `stages/stages.toml`: {stages}. Each runs as its own process,
            `uvicorn main:app --workers 1 --no-access-log` on 127.0.0.1, in a venv with its own requirements
            (plus the test harness and pyinstrument, unused while serving): uvicorn without extras, so the
            asyncio event loop and h11.""",
            stages=", ".join(data.stages),
        ),
        para(
            """- Data: before each repetition every database is reset to the same {users} users and {posts}
            posts (`GET /` renders all of them, `GET /api/posts` the newest 100). POST runs come last in a
            repetition, so the posts they add change no GET measurement.""",
            users=plan["data"]["users"],
            posts=plan["data"]["posts"],
        ),
        para(
            """- Databases: SQLite, one file per stage; PostgreSQL, one database `bench_NN` per stage on the
            local server (dropped afterwards), so nothing else's tables are touched."""
        ),
        para(
            """- Load: `wrk -t1 -c C -d D --timeout {timeout}s` from its own process, with a Lua script from
            `bench/wrk/`: `GET /api/posts/{{id}}` walks through ids 1..500, `POST /api/posts` sends a JSON
            body whose author cycles through the users, and every script counts non-2xx answers. Run length
            D: {durations}. wrk takes whole seconds only, and the {runs} runs have to fit in about 20 minutes
            on 2 cores; the remote cases run longer because each of their requests takes several round
            trips.""",
            timeout=plan["wrk_timeout_s"],
            durations=durations,
            runs=len(results["runs"]),
        ),
        para(
            """- Order: for each of {reps} repetitions and each database, every stage's server is started,
            seeded and warmed up (up to {warm} requests to each GET endpoint); then for each endpoint and
            concurrency the stages take turns, one run each, in an order rotated every repetition. After a
            run the harness waits until the server's CPU time stops growing (it may still be working off
            requests wrk abandoned at the end), at most {idle} s; a server still busy then is restarted and
            warmed up instead ({busy} times in this run), so that no stage's leftovers run during another
            stage's measurement.""",
            reps=plan["repetitions"],
            warm=plan["warmup_requests"],
            idle=plan.get("idle_limit_s", 3),
            busy=busy,
        ),
        para(
            """- Stalled and late: a run that completed no request, or fewer than {share:.0%} of the requests
            per second the same server completed with one connection in the same repetition, is *stalled* if
            the server used less than {busy:.0%} of a core meanwhile (it was waiting: stuck) and *late* if
            it used more (it worked the whole run, but its answers come after the run ended; a sync stage's
            threadpool serves waiting requests first come, first served, so with many connections each
            answer waits for nearly the whole batch). A stalled server is restarted; after a run with errors
            or timeouts the server must answer a probe within 2 s or it is restarted too; `issues` counts
            all three.""",
            share=plan["stall_share"],
            busy=plan.get("busy_cpu", 0.5),
        ),
        para(
            """- Timeouts are wrk's: answers that took longer than {timeout} s, which wrk leaves out of its
            percentiles (a p99 is marked where they are 1% or more). Requests still unanswered when a run
            ends are not counted by wrk at all; the stall check catches a server that stops answering.""",
            timeout=plan["wrk_timeout_s"],
        ),
    ]
    remote = [case for case in data.cases if case["rtt_ms"]]
    if remote:
        measured = "; ".join(
            f"{case['label']}: " + ", ".join(f"{x:.1f}" for x in rtts.get(case["key"], [])) + " ms"
            for case in remote
        )
        lines.append(
            para(
                """- Remote database: `bench/delay_proxy.py`, a TCP relay on 127.0.0.1 between the app and
                PostgreSQL, holds each chunk for half the round trip in each direction, and a new connection
                for one round trip. `tc qdisc ... netem` in a network namespace would be the usual tool, but
                this sandbox's kernel has no sch_netem module (`Error: Specified qdisc kind is unknown`), and
                Debian packages no well-kept delay proxy (toxiproxy is not in Debian). The relay uses some CPU
                on the same 2 cores, equally for every stage. Median `SELECT 1` round trip through it, once
                per repetition: {measured}.""",
                measured=measured,
            )
        )
    lines.append(
        para(
            """- wrk, the server, PostgreSQL and the relay share the machine's 2 cores: absolute numbers are
            this machine's; the ratios between stages, measured side by side, are the result."""
        )
    )
    return lines


def environment(results: dict, data: Results) -> list[str]:
    machine = results["machine"]
    versions = results.get("versions") or {}
    base_versions = versions.get(data.baseline, {})
    final_versions = versions.get(data.final, {})
    names = sorted(set(base_versions) | set(final_versions))
    tools = ", ".join(f"{k} {v}" for k, v in results["tools"].items())
    lines = [
        f"- Date: {results['date']} (UTC); the run took {results.get('elapsed_s', 0) / 60:.1f} min",
        para(
            """- Machine: {cpu}, {cores} cores, {memory} GiB, {os}; load average {start} at the start,
            {end} at the end""",
            cpu=machine["cpu"],
            cores=machine["cores"],
            memory=machine["memory_gib"],
            os=machine["os"],
            start=machine["load_average_at_start"],
            end=machine.get("load_average_at_end", "?"),
        ),
        f"- PostgreSQL server {results.get('postgres_server', '?')}; {tools}",
        "",
        f"| package | {data.baseline} | {data.final} |",
        "|---|---|---|",
    ]
    for name in names:
        lines.append(f"| {name} | {base_versions.get(name, '–')} | {final_versions.get(name, '–')} |")
    return lines


def profiles(results: dict, out: Path) -> list[str]:
    found = results.get("profiles") or []
    if not found:
        return []
    lines = [
        "## Where the time goes",
        "",
        para(
            """Where {final} is more than {gap:.0%} slower than {base} with one connection, it was profiled
            with pyinstrument, each request on its own and the sessions combined (`bench/profile_app.py`;
            SQLAlchemy's asyncio layer runs the ORM in greenlets, which is why ORM frames show as separate
            roots in the tree). The functions with the most time of their own:""",
            final=results["plan"]["final"],
            base=results["plan"]["baseline"],
            gap=1 - C1_SHARE,
        ),
    ]
    for name in found:
        text = (out / name).read_text(encoding="utf-8") if (out / name).exists() else ""
        header = text.splitlines()[:2]
        own = [line for line in text.split("most time of their own", 1)[-1].splitlines() if "%" in line]
        top = own[:8]
        lines += ["", f"[{name}]({name}): {' '.join(header)}", "", "```", *top, "```"]
        in_driver = sum(float(line.split("%", 1)[0]) for line in own if "aiosqlite" in line)
        if in_driver:
            lines += [
                "",
                para(
                    """Functions of aiosqlite alone take {share:.0f}% of the request time: every statement,
                    fetch and commit goes to aiosqlite's own thread and its result comes back to the event
                    loop through a future. A sync stage also uses threads, but a few per request (the route
                    and its response run in the threadpool, where sqlite3 is called directly), not one hop
                    per statement. That is the price of keeping SQLite off the event loop; no engine or pool
                    setting removes it. asyncpg, by contrast, speaks PostgreSQL's protocol on the event loop
                    itself.""",
                    share=in_driver,
                ),
            ]
    return lines


def write(results: dict, out: Path) -> None:
    data = Results(results)
    title = "# Benchmark: what the migration buys, stage by stage"
    if results["plan"].get("quick"):
        title += " (quick run: proves the harness, measures nothing)"
    lines = [
        title,
        "",
        "Produced by `nox -s bench` (bench/run.py); raw runs in [results.json](results.json). "
        "Quick check of the harness: `nox -s bench -- --quick`.",
        "",
        *environment(results, data),
        "",
        *targets(data),
        "",
        "![requests per second against concurrency](throughput.png)",
        "",
        "![p99 latency against concurrency](p99.png)",
        "",
        *counts_table(results),
        "",
        *profiles(results, out),
        "",
        *method(results, data),
        "",
        *results_tables(data),
    ]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    (out / "REPORT.md").write_text(text.strip() + "\n", encoding="utf-8")
    charts(data, out)


def charts(data: Results, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    endpoints = list(data.endpoints)
    for metric, name, ylabel in (
        ("rps", "throughput.png", "requests/s"),
        ("p99_ms", "p99.png", "p99 latency (ms)"),
    ):
        fig, axes = plt.subplots(
            len(data.cases),
            len(endpoints),
            figsize=(4.2 * len(endpoints), 3.3 * len(data.cases)),
            squeeze=False,
        )
        for i, case in enumerate(data.cases):
            for j, endpoint in enumerate(endpoints):
                ax = axes[i][j]
                if endpoint not in case["endpoints"]:
                    ax.axis("off")
                    continue
                for stage in data.stages:
                    xs, ys, lo, hi = [], [], [], []
                    for concurrency in data.concurrency:
                        runs = data.runs(case["key"], endpoint, concurrency, stage)
                        values = [r[metric] for r in runs if r[metric] > 0 or metric == "rps"]
                        if not values:
                            continue
                        mid = statistics.median(values)
                        xs.append(concurrency)
                        ys.append(mid)
                        lo.append(mid - min(values))
                        hi.append(max(values) - mid)
                    if xs:
                        ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=stage)
                ax.set_xscale("log", base=2)
                ax.set_xticks(data.concurrency, [str(c) for c in data.concurrency])
                ax.minorticks_off()
                if metric == "p99_ms":
                    ax.set_yscale("log")
                else:
                    ax.set_ylim(bottom=0)
                ax.set_title(f"{case['label']}\n{data.endpoints[endpoint]['label']}", fontsize=9)
                ax.set_xlabel("concurrent connections", fontsize=8)
                ax.set_ylabel(ylabel, fontsize=8)
                ax.tick_params(labelsize=8)
                ax.grid(True, alpha=0.3)
        handles, labels = next(
            (
                ax.get_legend_handles_labels()
                for row in axes
                for ax in row
                if ax.get_legend_handles_labels()[0]
            ),
            ([], []),
        )
        fig.suptitle(f"{ylabel}: median of the repetitions, bars from min to max", y=0.995, fontsize=11)
        fig.legend(
            handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.975), ncol=len(labels), fontsize=9,
            frameon=False,
        )  # fmt: skip
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        fig.savefig(out / name, dpi=80)
        plt.close(fig)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "report"
    write(json.loads((folder / "results.json").read_text()), folder)
