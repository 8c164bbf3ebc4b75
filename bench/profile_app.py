"""Serve a stage's app under uvicorn, profile each HTTP request with pyinstrument, write a report at exit.

Run it as a module from inside a stage directory, with that stage's interpreter and the repository root on
PYTHONPATH (bench/profiling.py does): `-m` puts the current directory first on the path, so `import main` is
the stage's app.

    PYTHONPATH=../.. python -m bench.profile_app --port 8123 --out profile.txt

Each request is profiled on its own (pyinstrument's async mode follows the request's task across awaits, so
time spent waiting for the database shows as [await]); at shutdown (SIGINT or SIGTERM) the sessions are
combined into one tree, the time of an average request.
"""

import argparse
import importlib
import signal
from pathlib import Path

import uvicorn
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer
from pyinstrument.session import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from bench import PROFILE_RESTART_PATH


class ProfileEachRequest:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sessions: list[Session] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == PROFILE_RESTART_PATH:  # the server is warm: only what comes next is profiled
            self.sessions.clear()
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        profiler = Profiler(interval=0.0001, async_mode="enabled")
        profiler.start()
        try:
            await self.app(scope, receive, send)
        finally:
            session = profiler.stop()
            self.sessions.append(session)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--title", default="")
    args = parser.parse_args()

    # The stage's app: whichever `main` the current directory holds, so it is looked up when run.
    stage_main = importlib.import_module("main")
    wrapped = ProfileEachRequest(stage_main.app)
    # The asyncio loop and h11, as the headline's configuration ("plain" in bench/plan.py) runs.
    config = uvicorn.Config(
        wrapped, host="127.0.0.1", port=args.port, loop="asyncio", http="h11", access_log=False,
        log_level="warning",
    )  # fmt: skip
    # uvicorn shuts down gracefully on SIGINT or SIGTERM and then raises the signal again for the handler that
    # was there before it: make that one return, so that the report below still gets written.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: None)
    uvicorn.Server(config).run()

    if not wrapped.sessions:
        args.out.write_text("no request was profiled\n", encoding="utf-8")
        return
    combined = wrapped.sessions[0]
    for session in wrapped.sessions[1:]:
        combined = Session.combine(combined, session)
    count = len(wrapped.sessions)
    tree = ConsoleRenderer(unicode=True, color=False, time="percent_of_total").render(combined)
    flat = ConsoleRenderer(unicode=True, color=False, flat=True, time="percent_of_total").render(combined)
    flat_top = "\n".join(line for line in flat.splitlines() if "%" in line)
    flat_top = "\n".join(flat_top.splitlines()[:40])
    header = [
        args.title or f"profile of {Path.cwd().name}",
        f"{count} requests profiled one at a time: {combined.duration * 1000:.0f} ms in all, "
        f"{combined.duration / count * 1000:.2f} ms per request (slower than unprofiled: the profiler "
        "samples every 0.1 ms). Percentages are shares of the time of all requests; [await] is time the "
        "request waited, e.g. for the database.",
        "",
    ]
    footer = ["", "The 40 functions with the most time of their own (self time, all requests together):", ""]
    args.out.write_text("\n".join(header) + tree + "\n".join(footer) + flat_top + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
