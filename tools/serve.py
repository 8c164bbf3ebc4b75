"""Serve one stage on http://127.0.0.1:8000, with demo data when its database is empty (`nox -s serve`).

    python -m tools.serve 04 [uvicorn options]      from the repository root, in the stage's virtualenv

uvicorn runs the stage as `uvicorn main:app` would, from the stage's folder, on the database DATABASE_URL
names (the stage's default: blog.db in its folder). Once it answers, an empty blog gets a few users and
posts through the stage's own API, named so that nobody mistakes them for real ones: a first run shows a
working blog instead of "No posts yet.". Ctrl-C or SIGTERM stops uvicorn the way it stops by itself.
"""

import json
import signal
import sys
import urllib.request
from types import FrameType
from typing import Any

from tools import stages
from tools.server import Uvicorn

PORT = 8000
DEMO_USERS = ["demo_ada", "demo_grace", "demo_alan"]
DEMO_POSTS = [
    (
        "demo_ada",
        "Demo post: welcome to the blog",
        "Demo data, created by `nox -s serve` in an empty database.",
    ),
    ("demo_grace", "Demo post: every page is server-rendered", "Each post links to its author's page."),
    ("demo_alan", "Demo post: the JSON API", "The same posts are at /api/posts; the API is at /docs."),
    ("demo_ada", "Demo post: newest first", "The home page lists the newest post first."),
]


def api(url: str, method: str = "GET", body: dict[str, object] | None = None) -> Any:
    """The decoded JSON the API answers."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def seed(base: str) -> tuple[int, int]:
    """Demo users and posts, through the API, if there is no post yet: (users, posts) created."""
    if api(f"{base}/api/posts"):
        return 0, 0
    users = {name: api(f"{base}/api/users", "POST", {"username": name, "email": f"{name}@example.com"})
             for name in DEMO_USERS}  # fmt: skip
    for author, title, content in DEMO_POSTS:
        api(f"{base}/api/posts", "POST", {"title": title, "content": content, "user_id": users[author]["id"]})
    return len(users), len(DEMO_POSTS)


def main(argv: list[str]) -> int:
    stage = stages.find(argv[0]) if argv else stages.load()[-1]
    server = Uvicorn(stage.path, port=PORT, args=tuple(argv[1:]), own_session=True)
    stopped = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        print(f"serve: {signal.Signals(signum).name}, stopping uvicorn", flush=True)
        stopped.append(signum)
        server.signal(signal.SIGTERM)

    # uvicorn runs in a session of its own, so that Ctrl-C reaches it once, from here.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.start(ready_path="/api/posts")
        users, posts = seed(server.url)
    except BaseException:
        server.stop()
        raise
    if posts:
        print(f"serve: seeded {users} demo users and {posts} posts into an empty database", flush=True)
    print(f"serve: {stage.dir} on {server.url} (Ctrl-C to stop)", flush=True)
    code = server.wait(timeout=None)
    # uvicorn exits with the SIGTERM it was asked to stop with: that is a clean stop.
    return 0 if stopped and code in (0, -signal.SIGTERM) else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
