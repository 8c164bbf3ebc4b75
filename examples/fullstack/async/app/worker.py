"""A Celery-style background task, and the queue it is sent to.

No broker runs with this example: `queue` is a stand-in with the one method of `celery.Celery` the app
calls, `send_task(name, args=...)`, which records the task. `queue.run_pending()` plays the worker: it runs
each recorded task by name. With Celery, `queue` is your `Celery(...)` app and `test_celery` a `@task`.
"""

from collections.abc import Callable
from typing import Any


def test_celery(word: str) -> str:
    return f"test task return {word}"


TASKS: dict[str, Callable[..., Any]] = {"app.worker.test_celery": test_celery}


class TaskQueue:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Any]]] = []

    def send_task(self, name: str, args: list[Any] | None = None) -> None:
        if name not in TASKS:
            raise KeyError(f"no task named {name!r}")
        self.sent.append((name, list(args or [])))

    def run_pending(self) -> list[Any]:
        """Run every task sent so far, in order; return their results."""
        sent, self.sent = self.sent, []
        return [TASKS[name](*args) for name, args in sent]


queue = TaskQueue()
