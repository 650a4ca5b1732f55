"""Shopify objects to our rows: only http(s) links reach the catalog, whatever the API sends."""
from __future__ import annotations

from app.shopify.mapping import product_row


def test_a_product_image_that_is_not_http_is_dropped():
    for src in ("javascript:alert(1)", "data:image/png;base64,AAAA", " vbscript:x"):
        row = product_row({"id": 1, "title": "Mug", "handle": "mug", "image": {"src": src}}, "shop.myshopify.com")
        assert row["image_url"] is None, src
    kept = product_row({"id": 1, "title": "Mug", "handle": "mug", "image": {"src": "https://cdn.shopify.com/a.png"}}, "shop.myshopify.com")
    assert kept["image_url"] == "https://cdn.shopify.com/a.png"


def test_the_product_link_is_built_from_an_escaped_handle():
    row = product_row({"id": 1, "title": "Mug", "handle": 'mug"><script>x()</script>'}, "shop.myshopify.com")
    assert row["url"].startswith("https://shop.myshopify.com/products/")
    assert "<" not in row["url"] and '"' not in row["url"]
