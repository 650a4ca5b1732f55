"""The restock reminder in the block editor: chosen from the template picker, saved, and previewed on the store."""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

from sqlalchemy import select

from app.models import Product, Rule
from tests.helpers.restock_shop import regular_customer

FORM = {"name": "Restock reminder", "enabled": "true", "slot": "home-hero", "mode": "replace", "content.template": "restock",
        "content.html": ""}


def add_products(db_session, shop, *rows):
    for external_id, title, in_stock in rows:
        db_session.add(Product(shop_id=shop.id, external_id=external_id, title=title, price=Decimal(4), currency="USD",
                               url=f"/products/{external_id}", in_stock=in_stock, tags=[]))
    db_session.commit()


def preview_decision(signed_in, client, form) -> dict:
    html = signed_in.post("/settings/rules/new/block/preview", form).get_data(as_text=True)
    token = unescape(re.search(r'<iframe class="preview" src="([^"]+)"', html).group(1)).split("p13n_preview=")[1]
    response = client.get("/v1/decide", query_string={"key": signed_in.shop.public_key, "visitor_id": "merchant", "preview": token})
    assert response.status_code == 200
    return response.get_json()


def test_the_template_picker_offers_the_restock_reminder_and_saves_it(signed_in, db_session):
    page = signed_in.get("/settings/rules/new/block").get_data(as_text=True)
    assert '<option value="restock"' in page and "{{restock_title}}" in page
    response = signed_in.post("/settings/rules/new/block", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == signed_in.shop.id))
    assert (rule.content["template"], rule.content["html"], rule.content["min_height"]) == ("restock", "", 64)
    assert 'value="restock" selected' in signed_in.get(f"/settings/rules/{rule.id}").get_data(as_text=True)


def test_the_preview_shows_the_shops_most_rebought_product_in_stock_when_the_merchant_has_nothing_due(signed_in, client, db_session):
    shop = signed_in.shop
    shop.settings = {**(shop.settings or {}), "store_url": "https://merchant.example/"}
    add_products(db_session, shop, ("SOAP", "Lavender <b>Soap</b>", True), ("TEA", "Green Tea", True), ("GONE", "Sold Out", False),
                 ("ONCE", "Bought Once", True))
    assert preview_decision(signed_in, client, FORM)["blocks"] == [], "nothing was ever bought twice: nothing to show"

    for n in range(3):
        regular_customer(db_session, shop, f"G{n}", "GONE", last_days_ago=10, times=2)  # the most re-bought, but sold out
    for n in range(2):
        regular_customer(db_session, shop, f"S{n}", "SOAP", last_days_ago=10, times=2)
    regular_customer(db_session, shop, "T0", "TEA", last_days_ago=10, times=3)
    regular_customer(db_session, shop, "O0", "ONCE", last_days_ago=10, times=1)
    decision = preview_decision(signed_in, client, FORM)
    [block] = decision["blocks"]
    assert decision["preview"] is True
    assert block["vars"] == {"restock_title": "Lavender <b>Soap</b>", "restock_url": "/products/SOAP"}
    assert block["html"] == '<p><a href="/products/SOAP">Time to restock your {{restock_title}}</a></p>'
