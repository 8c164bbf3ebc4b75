import hashlib

import bcrypt
from passlib.context import CryptContext

passwords = CryptContext(schemes=["bcrypt"], deprecated="auto")


def hash_password(password: str) -> str:
    return passwords.hash(password)


def check_password(password: str, hashed: str) -> bool:
    return passwords.verify(password, hashed)


def api_key_digest(key: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", key.encode(), salt, 600_000)


def legacy_check(password: str, hashed: bytes) -> bool:
    return bcrypt.checkpw(password.encode(), hashed)
