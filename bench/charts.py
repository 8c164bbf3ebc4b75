"""The charts: throughput.png and p99.png, a panel per case and endpoint, a line per stage; growth.png, a
panel per endpoint, req/s against the number of posts."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.analysis import Results

CHARTS = (
    ("rps", "throughput.png", "requests/s"),
    ("p99_ms", "p99.png", "p99 latency (ms)"),
)


def draw_charts(data: Results, out: Path) -> None:
    """Both charts into `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    endpoints = list(data.endpoints)
    for metric, name, ylabel in CHARTS if data.cases else ():
        fig, axes = plt.subplots(
            len(data.cases),
            len(endpoints),
            figsize=(4.2 * len(endpoints), 3.3 * len(data.cases)),
            squeeze=False,
        )
        for i, case in enumerate(data.cases):
            for j, endpoint in enumerate(endpoints):
                if endpoint in case["endpoints"]:
                    draw_panel(axes[i][j], data, case, endpoint, metric, ylabel)
                else:
                    axes[i][j].axis("off")
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
    if data.raw.get("growth"):
        draw_growth(data.raw, out)


def draw_growth(results: dict[str, Any], out: Path) -> None:
    """growth.png: per endpoint, req/s with one connection against the number of posts, a line per stage."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, StrMethodFormatter

    points = results["growth"]
    paths = results["plan"]["growth_paths"]
    endpoints = list(dict.fromkeys(point["endpoint"] for point in points))
    sizes = sorted({point["posts"] for point in points})
    fig, axes = plt.subplots(1, len(endpoints), figsize=(4.2 * len(endpoints), 3.6), squeeze=False)
    for ax, endpoint in zip(axes[0], endpoints, strict=True):
        for stage in dict.fromkeys(point["stage"] for point in points):
            mine = sorted(
                (p["posts"], p["rps"]) for p in points if p["endpoint"] == endpoint and p["stage"] == stage
            )
            ax.plot([x for x, _ in mine], [y for _, y in mine], marker="o", label=stage)
        ax.set_xscale("log")
        ax.set_xticks(sizes, [f"{size:,}" for size in sizes])
        ax.minorticks_off()
        # Log scale, at least a factor of 30 tall: a flat line looks flat, a fall of 100x still fits.
        values = [p["rps"] for p in points if p["endpoint"] == endpoint and p["rps"] > 0]
        top = max(values, default=1.0)
        ax.set_yscale("log")
        ax.set_ylim(min([*values, top / 30]) / 1.5, top * 1.5)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"GET {paths[endpoint]}", fontsize=9)
        ax.set_xlabel("posts in the database", fontsize=8)
        ax.set_ylabel("requests/s, one connection", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(True, alpha=0.3, which="both")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle("Growth with the data: first page (the plain path), PostgreSQL", y=0.99, fontsize=11)
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.93), ncol=len(labels), fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    fig.savefig(out / "growth.png", dpi=80)
    plt.close(fig)


def draw_panel(ax: Any, data: Results, case: dict[str, Any], endpoint: str, metric: str, ylabel: str) -> None:
    """One case and endpoint: the metric's median against concurrency, bars from min to max, per stage."""
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
