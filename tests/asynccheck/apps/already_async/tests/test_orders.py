async def test_no_orders_yet(client):
    response = await client.get("/orders")
    assert response.json() == []
