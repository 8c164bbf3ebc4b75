"""Calls that block the thread they run on: what ruff's ASYNC rules list (sleep, HTTP clients, files,
subprocesses), sync SQLAlchemy sessions and engines, password hashing, SMTP, Celery's sends and sync Redis.

A function's blocking calls are found in its own module, as candidates: a call whose name alone says it
blocks (`time.sleep`), or a method call on something whose kind the project decides (`pwd_context.hash()`,
with `pwd_context = CryptContext(...)` in another module). The rules evaluate the candidates against the
index (Index.kind), in the module itself for an async def and through the facts for the helpers it calls.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from asynccheck.kinds import CONNECTION, ENGINE, SESSION, Kind, value_of
from asynccheck.patterns import is_entity
from asynccheck.source import Call, Function, Module, dotted_name

THREAD = "or run it in a worker thread: `await anyio.to_thread.run_sync(...)` (or `run_in_threadpool`)"
HTTP = "use httpx.AsyncClient and await it"
SUBPROCESS = "use `await asyncio.create_subprocess_exec(...)`"
FILES = "use anyio's async file API (`await anyio.Path(...).read_text()`, `anyio.open_file`) " + THREAD
HASHING = "password hashing is CPU work that holds the loop for tens of milliseconds: " + THREAD[3:]
SMTP = "use aiosmtplib (or fastapi-mail), " + THREAD
CELERY = "Celery's client talks to the broker synchronously: " + THREAD[3:]
REDIS = "use redis.asyncio (`from redis import asyncio as aioredis`) and await it"
SQL = "an async def cannot use a sync session: take an AsyncSession and await it, " + THREAD

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
SUBPROCESSES = ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput")
# qualified name of a function (or a class whose constructor connects) -> the fix
FUNCTIONS: dict[str, str] = {
    "time.sleep": "use `await asyncio.sleep(...)`",
    "urllib.request.urlopen": HTTP,
    **{f"requests.{method}": HTTP for method in HTTP_METHODS},
    **{f"httpx.{method}": HTTP for method in HTTP_METHODS},
    **{f"subprocess.{name}": SUBPROCESS for name in SUBPROCESSES},
    **{f"os.{name}": SUBPROCESS for name in ("system", "popen", "wait", "waitpid")},
    "open": FILES,
    "io.open": FILES,
    "bcrypt.hashpw": HASHING,
    "bcrypt.checkpw": HASHING,
    "bcrypt.kdf": HASHING,
    "hashlib.pbkdf2_hmac": HASHING,
    "hashlib.scrypt": HASHING,
    "argon2.low_level.hash_secret": HASHING,
    "smtplib.SMTP": SMTP,
    "smtplib.SMTP_SSL": SMTP,
}
# passlib's ready-made hashers: `from passlib.hash import bcrypt; bcrypt.hash(password)`
PASSLIB_HASH = "passlib.hash."
HASH_METHODS = {"hash", "verify", "encrypt", "verify_and_update", "using"}

# What blocks among the methods of an object of these kinds (kinds.BLOCKING_CLASSES makes them).
METHODS: dict[str, tuple[frozenset[str], str]] = {
    "CryptContext": (frozenset({"hash", "verify", "verify_and_update", "encrypt"}), HASHING),
    "PasswordHasher": (frozenset({"hash", "verify"}), HASHING),
    "smtplib.SMTP": (
        frozenset(
            {"sendmail", "send_message", "login", "starttls", "ehlo", "helo", "connect", "quit", "noop"}
        ),
        SMTP,
    ),
    "emails.Message": (frozenset({"send"}), SMTP),
    "redis.Redis": (
        frozenset(
            {
                "get",
                "set",
                "setex",
                "setnx",
                "getset",
                "mget",
                "mset",
                "delete",
                "exists",
                "expire",
                "ttl",
                "incr",
                "incrby",
                "decr",
                "hget",
                "hset",
                "hgetall",
                "hdel",
                "hincrby",
                "lpush",
                "rpush",
                "lpop",
                "rpop",
                "lrange",
                "sadd",
                "srem",
                "smembers",
                "sismember",
                "zadd",
                "zrange",
                "zrem",
                "zscore",
                "publish",
                "keys",
                "scan",
                "ping",
                "flushdb",
                "execute",
                "eval",
                "xadd",
                "xread",
            }
        ),
        REDIS,
    ),
    "requests.Session": (frozenset(HTTP_METHODS) | {"send"}, HTTP),
    "httpx.Client": (frozenset(HTTP_METHODS) | {"send"}, HTTP),
    "Celery": (frozenset({"send_task"}), CELERY),
    "pathlib.Path": (
        frozenset(
            {
                "read_text",
                "read_bytes",
                "write_text",
                "write_bytes",
                "open",
                "touch",
                "mkdir",
                "unlink",
                "rmdir",
                "rename",
                "replace",
                "iterdir",
                "glob",
                "rglob",
                "stat",
                "exists",
                "is_file",
                "is_dir",
            }
        ),
        FILES,
    ),
    # A sync SQLAlchemy session or engine, seen in a helper an async def calls (in an async def itself,
    # AC503 reports it).
    SESSION: (
        frozenset(
            {
                "execute",
                "scalars",
                "scalar",
                "get",
                "get_one",
                "commit",
                "rollback",
                "refresh",
                "flush",
                "query",
                "merge",
                "delete",
                "connection",
            }
        ),
        SQL,
    ),
    ENGINE: (frozenset({"connect", "begin", "dispose", "raw_connection"}), SQL),
    CONNECTION: (frozenset({"execute", "scalars", "scalar", "commit", "rollback", "exec_driver_sql"}), SQL),
}
CELERY_SENDS = {"delay", "apply_async"}
METHOD_NAMES = frozenset().union(*(methods for methods, _ in METHODS.values()))
# The last names of every call a candidate can be (Module.calls_named finds them all at once).
NAMES = tuple(
    {name.rpartition(".")[2] for name in FUNCTIONS} | HASH_METHODS | CELERY_SENDS | METHOD_NAMES | {"query"}
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A call that blocks, if `kind` (None: certainly) evaluates to one of METHODS' kinds for `method`."""

    line: int
    col: int
    text: str  # the call as a message shows it: `time.sleep()`
    fix: str
    kind: Kind | None = None
    method: str = ""
    task: str | None = None  # `send_email.delay()`: blocks if this names a Celery task of the project

    def __reduce__(self) -> tuple[type[Candidate], tuple[object, ...]]:
        """Pickled as the call that makes it, faster than a slotted dataclass's state (see facts.py)."""
        return Candidate, (self.line, self.col, self.text, self.fix, self.kind, self.method, self.task)


def _text(node: ast.Call) -> str:
    text = dotted_name(node.func) or ast.unparse(node.func)  # `(folder / "name").write_text`
    return f"{text if len(text) <= 40 else '...' + text[-37:]}()"


def candidates(module: Module, function: Function, own_sql: bool) -> list[Candidate]:
    """The calls in a function that may block. own_sql: include sync session and engine calls (for a
    helper; inside an async def AC503 reports them)."""
    if module.by_function is None:
        module.by_function = {}
        for call in module.calls_named(*NAMES):
            if call.function is not None:
                module.by_function.setdefault(id(call.function), []).append(call)
        for calls in module.by_function.values():
            calls.sort(key=lambda call: (call.node.lineno, call.node.col_offset))
    found = []
    for call in module.by_function.get(id(function), ()):
        if call.awaited or call.deferred:
            continue
        candidate = candidate_of(module, call, own_sql)
        if candidate is not None:
            found.append(candidate)
    return found


def candidate_of(module: Module, call: Call, own_sql: bool) -> Candidate | None:
    node, function = call.node, call.function
    at = (node.lineno, module.col(node), _text(node))
    callee = module.callee(call)
    if callee is not None:
        if callee in FUNCTIONS and (callee != "open" or "open" not in module.defined):
            return Candidate(*at, FUNCTIONS[callee])
        head, _, method = callee.rpartition(".")
        if head.startswith(PASSLIB_HASH) and method in HASH_METHODS:
            return Candidate(*at, HASHING)
        if method in CELERY_SENDS and head:
            return Candidate(*at, CELERY, task=head)
    if not isinstance(node.func, ast.Attribute):
        return None
    method = node.func.attr
    receiver = node.func.value
    if method == "query" and own_sql and node.args and is_entity(node.args[0]):
        return Candidate(*at, SQL)
    if method not in METHOD_NAMES:
        return None
    kind = value_of(module, receiver, function)  # also Path("a").read_text()
    if kind is None:
        return None
    return Candidate(*at, "", kind, method)


def fix_of(candidate: Candidate, kind: str | None, celery_task: bool) -> str | None:
    """The fix if the candidate blocks, once the index has said what its receiver is; None if it does not."""
    if candidate.task is not None:
        return candidate.fix if celery_task else None
    if candidate.kind is None:
        return candidate.fix
    if kind is None or kind not in METHODS:
        return None
    methods, fix = METHODS[kind]
    return fix if candidate.method in methods else None
