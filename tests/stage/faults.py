"""The stage's app with a fault armed, for tests that need a 500 from a real server (LiveServer, FAULTS=1).

Any statement whose parameters carry TRIGGER raises a Python exception, as a bug in the app would: a
request that writes TRIGGER as a title gets the answer the app gives to an unexpected error.
"""

import sqlalchemy as sa

from main import app  # the stage's app, unchanged

TRIGGER = "trigger-an-unexpected-error"


@sa.event.listens_for(sa.Engine, "before_cursor_execute")
def fail_on_trigger(conn, cursor, statement, parameters, context, executemany) -> None:
    if TRIGGER in repr(parameters):
        raise RuntimeError("the fault faults.py injects")


__all__ = ["app"]
