"""GET /v1/decide with the restock template: a verified customer whose buy_again hazard says a product is due is
reminded of it; a customer not due yet, an anonymous visitor and a browser merely claiming the customer's id get the
slot's next rule, and nothing of the customer."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import Product
from app.recommender.training.train_shop import train_shop
from tests.helpers.events import event
from tests.helpers.identity import signed_event
from tests.helpers.recommender_shop import FAST, build_shop
from tests.helpers.restock_shop import plant_refills, regular_customer
from tests.helpers.rules import make_rule

STAPLE, TITLE = "MUG-1", "Ceramic Coffee Mug Style 1"


@pytest.fixture
def refill_shop(db_session, make_shop, tmp_path, client):
    """A trained shop where many customers restock MUG-1 monthly; C-DUE last bought it 50 days ago, C-FRESH 3 days ago."""
    shop, _ = make_shop(currency="EUR", settings={"holdout_percent": 0})
    build_shop(db_session, shop)
    plant_refills(db_session, shop, STAPLE, [f"LAMP-{n}" for n in range(12)])
    regular_customer(db_session, shop, "C-DUE", STAPLE, last_days_ago=50)
    regular_customer(db_session, shop, "C-FRESH", STAPLE, last_days_ago=3)
    train_shop(db_session, shop.id, tmp_path, FAST)
    restock = make_rule(db_session, shop, "block", priority=10, content={"template": "restock"})
    fallback = make_rule(db_session, shop, "block", priority=1, content={"html": "<p>Hello</p>"})
    post_events(client, shop, signed_event(shop, "identify", "due-laptop", "C-DUE"),
                signed_event(shop, "identify", "fresh-laptop", "C-FRESH"))
    return shop, restock, fallback


def staple(db_session, shop) -> Product:
    return db_session.scalar(select(Product).where(Product.shop_id == shop.id, Product.external_id == STAPLE))


def post_events(client, shop, *events):
    response = client.post("/v1/events", data=json.dumps({"key": shop.public_key, "events": list(events)}), content_type="text/plain")
    assert response.status_code == 200, response.get_json()


def decide(client, shop, visitor_id: str | None, **query):
    visitor = {"visitor_id": visitor_id} if visitor_id else {}
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "url": "https://shop.example/", **visitor, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_customer_whose_restock_is_due_is_reminded_of_that_product_and_others_get_the_next_rule(refill_shop, client, db_session):
    shop, restock, fallback = refill_shop
    [block] = decide(client, shop, "due-laptop")["blocks"]
    assert block["rule_id"] == restock.id
    assert block["vars"] == {"restock_title": TITLE, "restock_url": f"/p/{STAPLE}"}
    assert block["html"] == f'<p><a href="/p/{STAPLE}">Time to restock your {{{{restock_title}}}}</a></p>'
    assert block["min_height"] == 64, "the template reserves its space"
    [german] = decide(client, shop, "due-laptop", lang="de")["blocks"]
    assert german["html"] == f'<p><a href="/p/{STAPLE}">Zeit zum Nachkaufen: {{{{restock_title}}}}</a></p>'

    not_yet = decide(client, shop, "fresh-laptop")  # bought it three days ago: not due for weeks
    assert [block["rule_id"] for block in not_yet["blocks"]] == [fallback.id] and "restock_title" not in json.dumps(not_yet)

    staple(db_session, shop).in_stock = False
    db_session.commit()
    sold_out = decide(client, shop, "due-laptop")
    assert [block["rule_id"] for block in sold_out["blocks"]] == [fallback.id], "no reminder of what cannot be bought"


def test_anonymous_visitors_and_an_unsigned_claim_to_the_customer_see_nothing_of_their_purchases(refill_shop, client):
    shop, _restock, fallback = refill_shop
    post_events(client, shop, event("identify", "attacker", customer_id="C-DUE"))  # the id without its signature: a claim
    for visitor_id in ("attacker", "stranger", None):
        decision = decide(client, shop, visitor_id)
        assert [block["rule_id"] for block in decision["blocks"]] == [fallback.id], visitor_id
        assert "Mug" not in json.dumps(decision) and STAPLE not in json.dumps(decision), visitor_id


def test_a_merchants_html_names_and_links_the_product_as_text_and_a_web_link_only(refill_shop, client, db_session):
    shop, restock, _fallback = refill_shop
    restock.content = {**restock.content, "html": '<p>Running low on {{restock_title}}? <a href="{{ restock_url }}" rel="noopener noreferrer">Order again</a></p>'}
    db_session.commit()
    [block] = decide(client, shop, "due-laptop")["blocks"]
    assert block["html"] == f'<p>Running low on {{{{restock_title}}}}? <a href="/p/{STAPLE}" rel="noopener noreferrer">Order again</a></p>'

    hostile = '<img src=x onerror="alert(1)">"quoted"'
    product = staple(db_session, shop)
    product.title, product.url = hostile, 'javascript:alert(1)//"><script>x()</script>'
    db_session.commit()
    [block] = decide(client, shop, "due-laptop")["blocks"]
    assert block["vars"] == {"restock_title": hostile, "restock_url": ""}  # the title is filled in as text by the script
    assert "href" not in block["html"] and "javascript" not in block["html"] and "onerror" not in block["html"]
