"""The benchmark's servers start so that no two of them create one database's tables at once.

Each stage's app creates its tables when it starts. On SQLite every configuration of a stage (plain, pool40,
workers2, tuned) runs on the same file, so two servers starting together on a new file race, and one fails
with "table users already exists" (it stopped `bench --quick` in a CI run). The first server on each
database must be answering before any other starts on it.
"""

from dataclasses import replace
from types import SimpleNamespace

from bench import sweep
from bench.plan import CASES, CONFIGS
from bench.servers import Server
from tools import stages


def test_a_second_server_on_a_database_starts_once_the_first_answers(monkeypatch) -> None:
    events: list[tuple[str, str]] = []
    monkeypatch.setattr(sweep, "start_server", lambda server, label: events.append(("start", server.name)))
    monkeypatch.setattr(sweep, "wait_ready", lambda server: events.append(("ready", server.name)))
    monkeypatch.setattr(sweep, "seed", lambda stage, case: None)
    monkeypatch.setattr(sweep, "warm_up", lambda server, endpoints, requests: None)
    case = replace(CASES[0], endpoints=())  # SQLite, and nothing to measure: only the start-up
    every = stages.load()
    first, last = every[0], every[-1]
    servers = [
        Server(stage, case, f"sqlite:///{stage.dir}.db", config)
        for config in CONFIGS.values()
        for stage in (first, last)
    ]
    plan = SimpleNamespace(measures=lambda *args: False, concurrency=(1,), warmup_requests=0)
    sweep.take_turns(plan, case, servers, 1, progress=None, label="test")  # type: ignore[arg-type]

    assert sorted(name for what, name in events if what == "start") == sorted(s.name for s in servers)
    for database in {server.url for server in servers}:
        on_it = [server.name for server in servers if server.url == database]
        assert len(on_it) > 1, "the test needs several servers on one database"
        ready = events.index(("ready", on_it[0]))
        for other in on_it[1:]:
            assert events.index(("start", other)) > ready, (database, events)
