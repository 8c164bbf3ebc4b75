"""The HTML pages, rendered by the app in process, and the blocking-call detector that watches them."""

import time

import pytest
from blockbuster import BlockingError


async def test_home_lists_posts_newest_first(client):
    user = (await client.post("/api/users", json={"username": "ada", "email": "ada@example.com"})).json()
    for title in ("First post", "Second post"):
        await client.post("/api/posts", json={"title": title, "content": "Words.", "user_id": user["id"]})

    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.index("Second post") < response.text.index("First post")


async def test_a_missing_post_gets_the_error_page(client):
    response = await client.get("/posts/999")

    assert response.status_code == 404
    assert "<h1>404</h1>" in response.text
    assert "Post not found" in response.text


async def test_blocking_the_event_loop_fails_a_test():
    # What the autouse blockbuster fixture does to a route that blocks: here, the test itself.
    with pytest.raises(BlockingError):
        time.sleep(0.001)  # noqa: ASYNC251 (the blocking call the detector must catch)
