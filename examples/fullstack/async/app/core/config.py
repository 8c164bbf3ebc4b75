"""Settings from the environment (or a .env file), read once by pydantic-settings."""

import secrets

from pydantic import EmailStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    PROJECT_NAME: str = "Fullstack example"
    API_V1_STR: str = "/api/v1"
    # A new key on each start logs everyone out: set SECRET_KEY in production.
    SECRET_KEY: str = secrets.token_urlsafe(32)
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8
    EMAIL_RESET_TOKEN_EXPIRE_HOURS: int = 48
    FRONTEND_HOST: str = "http://localhost:5173"

    # A SQLite file by default; for PostgreSQL, for example postgresql://user@127.0.0.1:5432/app
    DATABASE_URL: str = "sqlite:///./app.db"

    # No SMTP_HOST: no email is sent.
    SMTP_HOST: str | None = None
    SMTP_PORT: int = 25
    EMAILS_FROM_EMAIL: EmailStr = "noreply@example.com"

    FIRST_SUPERUSER: EmailStr = "admin@example.com"
    FIRST_SUPERUSER_PASSWORD: str = "changethis"

    @property
    def emails_enabled(self) -> bool:
        return self.SMTP_HOST is not None


settings = Settings()
