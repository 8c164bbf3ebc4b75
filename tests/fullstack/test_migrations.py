"""Alembic and the start-up scripts, run as a deployment runs them, on the test database.

Each test leaves the database at head with the first superuser, as the session fixture made it.
"""

from conftest import alembic, script

from app.core.config import settings

NO_DRIFT = "No new upgrade operations detected."


def test_models_match_the_migrations() -> None:
    assert NO_DRIFT in alembic("check").stdout


def test_downgrade_to_base_and_back_to_head() -> None:
    assert alembic("current").stdout.split() == ["0002", "(head)"]
    alembic("downgrade", "base")
    assert alembic("current").stdout.strip() == ""
    assert "Target database is not up to date" in alembic("check", check=False).stderr
    alembic("upgrade", "head")  # would fail if downgrade had left a table behind
    assert NO_DRIFT in alembic("check").stdout
    script("app.initial_data")


def test_scripts_on_a_fresh_database(client) -> None:
    """From an empty database, as a new deployment: wait for it, migrate, make the first superuser."""
    alembic("downgrade", "base")
    assert "Service finished initializing" in script("app.backend_pre_start").stderr
    failed = script("app.initial_data", check=False)  # before the migrations there is no users table
    assert failed.returncode != 0 and "users" in failed.stderr
    alembic("upgrade", "head")
    script("app.initial_data")
    script("app.initial_data")  # a second run finds the superuser and changes nothing
    body = {"username": settings.FIRST_SUPERUSER, "password": settings.FIRST_SUPERUSER_PASSWORD}
    response = client.post(f"{settings.API_V1_STR}/login/access-token", data=body)
    assert response.status_code == 200
    users = client.get(
        f"{settings.API_V1_STR}/users/",
        headers={"Authorization": f"Bearer {response.json()['access_token']}"},
    ).json()
    assert [user["email"] for user in users] == [settings.FIRST_SUPERUSER]


def test_offline_sql() -> None:
    """`alembic upgrade head --sql` writes the DDL without connecting (the async env.py too)."""
    sql = alembic("upgrade", "head", "--sql").stdout
    assert "CREATE TABLE users" in sql and "CREATE TABLE items" in sql
