"""/admin/api/products: upsert by external id behind the shop's secret key."""
from __future__ import annotations


def auth(secret_key: str) -> dict:
    return {"Authorization": f"Bearer {secret_key}"}


PRODUCT = {
    "external_id": "SKU-1", "title": "Mug", "url": "https://shop.example/mug", "image_url": "https://shop.example/mug.png",
    "price": "9.50", "currency": "EUR", "vendor": "Acme", "category": "Kitchen", "tags": ["ceramic", "gift"], "in_stock": True,
}


def test_upsert_creates_then_updates_by_external_id(client, make_shop):
    shop, secret = make_shop()
    created = client.post("/admin/api/products", json={"products": [PRODUCT]}, headers=auth(secret))
    assert created.status_code == 200 and created.get_json() == {"created": 1, "updated": 0}
    updated = client.post("/admin/api/products", json={"products": [{"external_id": "SKU-1", "title": "Big mug", "price": 11}]}, headers=auth(secret))
    assert updated.get_json() == {"created": 0, "updated": 1}
    listed = client.get("/admin/api/products", headers=auth(secret)).get_json()
    assert listed["total"] == 1
    product = listed["products"][0]
    assert (product["title"], product["price"], product["vendor"], product["tags"]) == ("Big mug", "11.00", "Acme", ["ceramic", "gift"])


def test_invalid_products_are_a_400_with_field_messages_and_store_nothing(client, make_shop):
    shop, secret = make_shop()
    client.post("/admin/api/products", json={"products": [PRODUCT]}, headers=auth(secret))
    bad = client.post(
        "/admin/api/products",
        json={"products": [{"external_id": "SKU-2", "title": "Ok"}, {"external_id": "SKU-1", "title": "", "price": "-3", "currency": "euro"}]},
        headers=auth(secret),
    )
    assert bad.status_code == 400
    errors = bad.get_json()["errors"]["products"]["1"]
    assert set(errors) == {"title", "price", "currency"}
    listed = client.get("/admin/api/products", headers=auth(secret)).get_json()
    assert [p["external_id"] for p in listed["products"]] == ["SKU-1"] and listed["products"][0]["title"] == "Mug"


def test_the_secret_key_is_required_and_scopes_the_data(client, make_shop):
    first, first_secret = make_shop("A")
    second, second_secret = make_shop("B")
    assert client.get("/admin/api/products").status_code == 401
    assert client.get("/admin/api/products", headers=auth(first.public_key)).status_code == 401
    client.post("/admin/api/products", json={"products": [PRODUCT]}, headers=auth(first_secret))
    assert client.get("/admin/api/products", headers=auth(second_secret)).get_json()["total"] == 0


def test_a_body_that_is_not_json_is_a_400(client, make_shop):
    shop, secret = make_shop()
    response = client.post("/admin/api/products", data="nope", content_type="application/json", headers=auth(secret))
    assert response.status_code == 400 and "products" in response.get_json()["error"]


HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "\x01javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "file:///etc/passwd", "ftp://shop.example/a", "http://[::1/", "https://", "http:///no-host",
]


def test_product_urls_must_be_http_or_relative(client, make_shop):
    shop, secret = make_shop()
    for bad in HOSTILE_URLS:
        for field in ("url", "image_url"):
            response = client.post("/admin/api/products", json={"products": [{**PRODUCT, field: bad}]}, headers=auth(secret))
            assert response.status_code == 400, (field, bad)
            assert field in response.get_json()["errors"]["products"]["0"], (field, bad)
    fine = ["https://shop.example/p/1?x=1#y", "http://shop.example/p", "/products/mug", "products/mug", "//cdn.example/i.png", "mug.png"]
    for good in fine:
        response = client.post("/admin/api/products", json={"products": [{**PRODUCT, "url": good, "image_url": good}]}, headers=auth(secret))
        assert response.status_code == 200, (good, response.get_json())


def test_products_are_found_by_id_or_part_of_the_title(client, make_shop):
    _, secret = make_shop()
    headers = {"Authorization": f"Bearer {secret}"}
    client.post("/admin/api/products", json={"products": [
        {"external_id": "L1", "title": "Brass Lamp"}, {"external_id": "M1", "title": "Mug"}, {"external_id": "lamp", "title": "Odd id"}]},
        headers=headers)
    found = client.get("/admin/api/products?q=LAMP", headers=headers).get_json()
    assert sorted(p["external_id"] for p in found["products"]) == ["L1"] and found["total"] == 1
    assert [p["external_id"] for p in client.get("/admin/api/products?q=lamp", headers=headers).get_json()["products"]] == ["L1", "lamp"]
