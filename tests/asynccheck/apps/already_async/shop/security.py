from fastapi.concurrency import run_in_threadpool
from passlib.context import CryptContext

hasher = CryptContext(schemes=["bcrypt"])


async def hash_password(password: str) -> str:
    # bcrypt holds the CPU for tens of milliseconds: off the event loop
    return await run_in_threadpool(hasher.hash, password)
