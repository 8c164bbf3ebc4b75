"""What results.json says, one module per thing it works out:

results   runs grouped by repetition, medians, ratios between two servers, the report's rows
targets   the final stage against the baseline: stalls and errors, one connection, the remote database,
          memory; growth with the data
floor     driver calls per request, the ratios at the first concurrency, and whether aiosqlite's
          hand-offs account for the final stage's gap there
configs   the other server configurations: another server, the final stage's engine tuned, the sync
          stages tuned instead of migrated, and the sync server to choose instead at each point
quote     what MIGRATION.md quotes (tools/benchquote.py)
"""

from bench.analysis.configs import (
    decision,
    engine_tuning,
    server_comparison,
    sync_servers,
    tuning_comparison,
    tuning_settings,
)
from bench.analysis.floor import HANDOFF_BACKEND, c1_ratios, counts_by_database, driver_calls, floor, plural
from bench.analysis.quote import quotable
from bench.analysis.results import PLAIN, Results, Row, median
from bench.analysis.targets import (
    C1_SHARE,
    LOCAL_CASES,
    REMOTE_GAIN,
    Comparison,
    below_target,
    compare,
    final_failures,
    final_timeouts,
    growth_rows,
    memory_target,
    remote,
    single_connection,
    summary_rows,
)

__all__ = [
    "C1_SHARE", "HANDOFF_BACKEND", "LOCAL_CASES", "PLAIN", "REMOTE_GAIN", "Comparison", "Results", "Row",
    "below_target", "c1_ratios", "compare", "counts_by_database", "decision", "driver_calls", "engine_tuning",
    "final_failures", "final_timeouts", "floor", "growth_rows", "median", "memory_target", "plural",
    "quotable", "remote", "server_comparison", "single_connection", "summary_rows", "sync_servers",
    "tuning_comparison", "tuning_settings",
]  # fmt: skip
