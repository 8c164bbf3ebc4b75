"""Names that look alike are one name, on every database: usernames and email addresses.

A username is one user whatever its case, width or composition, compared by a key the app computes (the
same on SQLite and PostgreSQL, whose lower() functions do not agree); it may not start or end with a space,
hold only invisible characters, or mix the letters of two scripts. An email address is stored in NFKC.
"""

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from harness import cases

pytestmark = pytest.mark.anyio


def count_users(harness_engine) -> int:
    with harness_engine.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM users"))


async def register(client: httpx.AsyncClient, username: str, email: str) -> httpx.Response:
    return await client.post("/api/users", json={"username": username, "email": email})


# test id -> (the name taken first, the look-alike, the answer to the look-alike)
LOOK_ALIKES = {
    "trailing-space": ("victim", "victim ", 422),
    "leading-nbsp": ("victim", "\u00a0victim", 422),
    "two-spaces": ("ada lovelace", "ada  lovelace", 422),
    "cyrillic-i": ("victim", "vict\u0456m", 422),  # mixed script: Latin letters and a Cyrillic one
    "accented-case": ("école", "ÉCOLE", 400),
    "accented-case-reverse": ("ÉCOLE", "école", 400),
    "dotted-capital-i": ("ivan", "İVAN", 400),
    "dotted-capital-i-reverse": ("İVAN", "ivan", 400),
    "sharp-s": ("straße", "STRASSE", 400),
}
INVISIBLE = {
    "combining-acute": "\u0301",
    "hangul-filler": "\u3164",
    "halfwidth-hangul-filler": "\uffa0\uffa0",
    "braille-blank": "\u2800",
    "filler-inside": "ad\u3164a",
    "variation-selector": "ada\ufe0f",
    "ogham-space": "ada\u1680lovelace",
}
# Names the rule must keep: non-Latin scripts, Japanese (which mixes three), spaces and digits inside.
WELCOME = [
    "Zoë",
    "Ada Lovelace",
    "ada_l",
    "user1",
    "Δημήτρης",
    "Дмитрий",
    "山田たろう",
    "ヤマダ",
    "김민준",
    "42",
]


@pytest.mark.parametrize(("first", "second", "status"), **cases(LOOK_ALIKES))
async def test_look_alike_username_is_refused(client, harness_engine, first, second, status):
    assert (await register(client, first, "first@example.com")).status_code == 201
    response = await register(client, second, "second@example.com")
    assert response.status_code == status, response.text
    assert count_users(harness_engine) == 1


@pytest.mark.parametrize("name", **cases(INVISIBLE))
async def test_invisible_username_is_refused(client, harness_engine, name):
    response = await register(client, name, "ghost@example.com")
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "username"]]
    assert count_users(harness_engine) == 0


async def test_rename_to_a_look_alike_is_refused(client, harness_engine):
    await register(client, "école", "first@example.com")
    await register(client, "bob", "bob@example.com")
    response = await client.patch("/api/users/2", json={"username": "ÉCOLE"})
    assert (response.status_code, response.json()) == (400, {"detail": "Username already exists"})
    assert (await client.get("/api/users/2")).json()["username"] == "bob"
    # Its own name in another case is still its own.
    renamed = await client.patch("/api/users/1", json={"username": "ÉCOLE"})
    assert (renamed.status_code, renamed.json()["username"]) == (200, "ÉCOLE")


async def test_names_in_any_one_script_are_welcome(client, harness_engine):
    for n, name in enumerate(WELCOME):
        response = await register(client, name, f"user{n}@example.com")
        assert (response.status_code, response.json()["username"]) == (201, name)
    assert count_users(harness_engine) == len(WELCOME)


async def test_email_local_part_is_normalized(client, harness_engine):
    response = await register(client, "fullwidth", "\uff55ser@example.com")
    assert (response.status_code, response.json()["email"]) == (201, "user@example.com")
    taken = await register(client, "plain", "user@example.com")
    assert (taken.status_code, taken.json()) == (400, {"detail": "Email already registered"})
    assert count_users(harness_engine) == 1


async def test_look_alikes_at_once_create_one_user(live):
    """The database itself refuses the look-alikes, not only the check before the insert."""
    names = ["école", "ÉCOLE", "École", "éCoLe"] * 8
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
        requests = [register(http, name, f"e{n}@example.com") for n, name in enumerate(names)]
        responses = await asyncio.wait_for(asyncio.gather(*requests), 120)
    assert sorted(response.status_code for response in responses) == [201] + [400] * (len(names) - 1)
    with live.db.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM users")) == 1
