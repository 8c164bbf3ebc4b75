def test_create_then_list(client):
    response = client.post("/products", json={"name": "Pen", "price_cents": 250})
    assert response.status_code == 201, response.text
    assert response.json()["tags"] == []

    response = client.get("/products")
    assert [product["name"] for product in response.json()] == ["Pen"]


def test_missing_category(client):
    response = client.get("/categories/404")
    assert response.status_code == 404
