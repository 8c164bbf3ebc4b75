"""The guide quotes the benchmark from bench/report/results.json (`<!-- bench: ... -->`, written by
tools/benchquote.py): the region sits on the page "When not to go async", goes stale when the results change,
says what a run did not measure, and its verdict on the floor of aiosqlite's hand-offs follows the numbers.

test_guide.py's test_excerpt_matches_the_stage checks that the committed region is what the results render.
"""

import copy
import json
from typing import Any

import pytest

from bench import analysis
from tools import benchquote, excerpts, guide, sources, stages

ROOT = stages.ROOT
PAGE = "docs/decide/when-not-to-go-async.md"
RESULTS = "bench/report/results.json"
QUOTES = [
    (name, e) for name, text in guide.texts().items() for e in excerpts.excerpts(text) if e.kind == "bench"
]


def committed() -> dict[str, Any]:
    results: dict[str, Any] = json.loads((ROOT / RESULTS).read_text(encoding="utf-8"))
    return results


def test_when_not_to_go_async_quotes_the_committed_results():
    ((page, excerpt),) = QUOTES
    assert page == PAGE
    assert (ROOT / PAGE).read_text(encoding="utf-8").startswith("# When not to go async\n")
    assert excerpt.path == RESULTS


def test_changed_results_make_the_quote_stale(tmp_path, monkeypatch):
    ((_, excerpt),) = QUOTES
    results = committed()
    for run in results["runs"]:
        if run["stage"] == results["plan"]["final"]:
            run["rps"] *= 2
    (tmp_path / RESULTS).parent.mkdir(parents=True)
    (tmp_path / RESULTS).write_text(json.dumps(results), encoding="utf-8")
    monkeypatch.setattr(sources, "ROOT", tmp_path)
    assert excerpt.render() != excerpt.body


def test_what_a_run_did_not_measure_is_said():
    results = committed()
    for key in ("memory", "handoff", "statement_counts", "statement_counts_by_database", "c1_ratios"):
        results.pop(key, None)
    results["plan"].pop("configs", None)
    results["runs"] = [run for run in results["runs"] if run.get("config", analysis.PLAIN) == analysis.PLAIN]
    text = benchquote.markdown(analysis.quotable(results))
    assert "–: not measured in this run" in text  # no tuned server
    assert "**Memory**: not measured in this run" in text
    assert "the hand-off cost: not measured in this run" in text
    assert "this run did not record its configuration" in text


def test_a_file_that_is_not_results_is_a_guide_error(tmp_path, monkeypatch):
    (tmp_path / RESULTS).parent.mkdir(parents=True)
    (tmp_path / RESULTS).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(sources, "ROOT", tmp_path)
    with pytest.raises(sources.GuideError):
        benchquote.render(RESULTS)


# The floor, on a made-up run: one endpoint on SQLite at concurrency 1


def made_up(
    final_rps: float, baseline_rps: float, cost_us: float | None, handoffs: int = 5
) -> dict[str, Any]:
    baseline, final = "00_sync_baseline", "07_testing"
    label = "GET /api/posts/{id}"

    def run(stage: str, rps: float) -> dict[str, Any]:
        return {
            "case": "sqlite", "endpoint": "post", "concurrency": 1, "stage": stage, "config": "plain",
            "repetition": 0, "rps": rps, "p50_ms": 1.0, "p99_ms": 2.0, "requests": int(rps), "non2xx": 0,
            "timeouts": 0, "socket_errors": 0, "stalled": False, "late": False, "restarted": None,
        }  # fmt: skip

    calls = {
        "statements": 1, "begin": 1, "commit": 0, "rollback": 1, "reset": 0, "ping": 0, "checkout": 1,
        "connect": 0, "handoffs": handoffs, "handoffs_by_call": {"execute": handoffs},
    }  # fmt: skip
    counted = {"counts": {label: {"small": 1, "large": 1, "driver_calls": {"small": calls, "large": calls}}}}
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "machine": {"cores": 2},
        "plan": {
            "stages": [baseline, final],
            "baseline": baseline,
            "final": final,
            "cases": [{"key": "sqlite", "label": "SQLite", "backend": "sqlite", "endpoints": ["post"]}],
            "endpoints": {"post": {"key": "post", "label": label}},
            "concurrency": [1],
            "repetitions": 1,
            "quick": False,
        },
        "runs": [run(baseline, baseline_rps), run(final, final_rps)],
        "statement_counts_by_database": {"sqlite": {final: copy.deepcopy(counted)}},
        "handoff": {"cost_us": cost_us} if cost_us is not None else None,
    }


@pytest.mark.parametrize(
    ("cost_us", "verdict"),
    [
        (40.0, "The hand-offs do not account for the gap"),  # 5 x 40 of 1,000 us
        (120.0, "The hand-offs account for most of the gap but not all of it"),
        (180.0, "The hand-offs account for the gap:"),
        (250.0, "The hand-offs account for the whole gap"),
        (None, "The cost of a hand-off was not measured in this run"),
    ],
)
def test_the_floor_verdict_follows_the_numbers(cost_us, verdict):
    results = made_up(final_rps=500.0, baseline_rps=1000.0, cost_us=cost_us)  # 1,000 us more per request
    (row,) = analysis.floor(results)["rows"]
    assert row["gap_us"] == pytest.approx(1000.0)
    assert row["handoffs"] == 5
    assert row["verdict"].startswith(verdict)
    assert verdict in benchquote.markdown(analysis.quotable(results))


def test_no_floor_where_the_final_stage_keeps_up():
    results = made_up(final_rps=950.0, baseline_rps=1000.0, cost_us=40.0)
    found = analysis.floor(results)
    assert found["rows"] == [] and found["compared"] == 1
    assert "everywhere, so there is no gap to explain; one aiosqlite hand-off cost 40.0 µs" in (
        benchquote.markdown(analysis.quotable(results))
    )


def test_c1_ratios_are_easy_to_quote():
    ratios = analysis.c1_ratios(made_up(final_rps=500.0, baseline_rps=1000.0, cost_us=40.0))
    assert ratios["ratios"]["sqlite"]["GET /api/posts/{id}"] == {
        "ratio": 0.5, "final_rps": 500.0, "baseline_rps": 1000.0, "gap_us": 1000,
    }  # fmt: skip
    assert (ratios["concurrency"], ratios["target"]) == (1, analysis.C1_SHARE)


# What to run instead of migrating, on a made-up run: two sync stages, one tuned, at one concurrency


def made_up_servers(rps: dict[tuple[str, str, str], float]) -> dict[str, Any]:
    """One repetition on SQLite at c=64; `rps[(endpoint, stage, config)]`."""
    labels = {"post": "GET /api/posts/{id}", "posts": "GET /api/posts"}
    measured = {
        "p50_ms": 1.0, "p99_ms": 2.0, "non2xx": 0, "timeouts": 0, "socket_errors": 0, "stalled": False,
        "late": False, "restarted": "",
    }  # fmt: skip
    where = {"case": "sqlite", "concurrency": 64, "repetition": 1}
    runs = [
        {**measured, **where, "endpoint": e, "stage": s, "config": c, "rps": value, "requests": int(value)}
        for (e, s, c), value in rps.items()
    ]
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "machine": {"cores": 2},
        "plan": {
            "stages": ["00_sync_baseline", "04_eager_loading", "07_testing"],
            "baseline": "00_sync_baseline",
            "final": "07_testing",
            "sync_stages": ["00_sync_baseline", "04_eager_loading"],
            "cases": [{"key": "sqlite", "label": "SQLite", "backend": "sqlite", "endpoints": list(labels)}],
            "endpoints": {key: {"key": key, "label": label} for key, label in labels.items()},
            "concurrency": [64],
            "repetitions": 1,
            "quick": False,
            "configs": {
                "plain": {"key": "plain", "label": "uvicorn", "workers": 1},
                "pool40": {"key": "pool40", "label": "pool of 40", "stages": "sync", "workers": 1},
            },
        },
        "runs": runs,
    }


def test_the_decision_names_the_best_sync_server_and_who_wins():
    results = made_up_servers(
        {
            ("post", "00_sync_baseline", "plain"): 100.0,
            ("post", "04_eager_loading", "plain"): 150.0,
            ("post", "04_eager_loading", "pool40"): 300.0,  # the best sync server: 07 serves 0.83x it
            ("post", "07_testing", "plain"): 250.0,
            ("posts", "00_sync_baseline", "plain"): 10.0,
            ("posts", "04_eager_loading", "plain"): 40.0,
            ("posts", "04_eager_loading", "pool40"): 50.0,  # best again: 07 serves 2.00x it
            ("posts", "07_testing", "plain"): 100.0,
        }
    )
    (row,) = analysis.decision(analysis.Results(results))
    assert (row["concurrency"], row["choice"]) == (64, "04_eager_loading (pool40)")
    assert row["cells"]["post"]["over"] == pytest.approx(250 / 300)
    assert [cell["verdict"] for cell in row["cells"].values()] == ["sync", "async"]
    text = benchquote.markdown(analysis.quotable(results))
    assert "| SQLite | 64 | 04_eager_loading (pool40) | 0.83× ✗ | **2.00×** |" in text
    assert "a sync server is ahead at 1: SQLite `GET /api/posts/{id}` c=64." in text


def test_the_decision_names_another_server_where_it_is_best_for_one_endpoint():
    results = made_up_servers(
        {
            ("post", "00_sync_baseline", "plain"): 200.0,  # best here alone: 07 serves 1.00x it
            ("post", "04_eager_loading", "pool40"): 100.0,
            ("post", "07_testing", "plain"): 200.0,
            ("posts", "00_sync_baseline", "plain"): 10.0,
            ("posts", "04_eager_loading", "pool40"): 50.0,
            ("posts", "07_testing", "plain"): 50.0,
        }
    )
    (row,) = analysis.decision(analysis.Results(results))
    # Best at one endpoint each: the tie goes to the server the final stage is least ahead of over both
    # (geometric mean: 04 pool40, 2.00x and 1.00x, against 00, 1.00x and 5.00x).
    assert row["choice"] == "04_eager_loading (pool40)"
    assert row["cells"]["post"] == {"over": 1.0, "best": "00_sync_baseline", "verdict": "even"}
    text = benchquote.markdown(analysis.quotable(results))
    assert "| SQLite | 64 | 04_eager_loading (pool40) | 1.00× (00_sync_baseline) | 1.00× |" in text
