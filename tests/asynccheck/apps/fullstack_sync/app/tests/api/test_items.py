from app.tests.utils.item import create_random_item


def test_read_items(client, db):
    item = create_random_item(db)
    response = client.get("/api/v1/items/")
    assert response.status_code == 200
    assert any(content["id"] == item.id for content in response.json())
