"""On Shopify each lead gets its own single-use code, created with `discountCodeBasicCreate`."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import responses
from sqlalchemy import select

from app.leads.codes import NOT_CREATED
from app.models import Lead
from app.texts import CATALOGS
from tests.helpers.rules import make_rule
from tests.helpers.shopify import GRAPHQL_URL, TOKEN, cost

POPUP = {"headline": "15% off", "email_capture": True,
         "unique_code": {"source": "shopify", "kind": "percentage", "value": 15, "valid_days": 14, "prefix": "HELLO"}}


def created(request):
    """Shopify's answer to discountCodeBasicCreate (shape from shopify.dev's example), echoing the input."""
    assert request.headers["X-Shopify-Access-Token"] == TOKEN
    discount = json.loads(request.body)["variables"]["basicCodeDiscount"]
    node = {"id": "gid://shopify/DiscountCodeNode/1057371270", "codeDiscount": {
        "title": discount["title"], "codes": {"nodes": [{"code": discount["code"]}]}, "startsAt": discount["startsAt"],
        "endsAt": discount["endsAt"], "usageLimit": 1, "appliesOncePerCustomer": True}}
    answer = {"data": {"discountCodeBasicCreate": {"codeDiscountNode": node, "userErrors": []}},
              "extensions": {"cost": cost(requested=10)}}
    return 200, {}, json.dumps(answer)


def refused(code: str, message: str):
    answer = {"data": {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [
        {"field": ["basicCodeDiscount", "code"], "code": code, "message": message}]}}, "extensions": {"cost": cost()}}
    return 200, {}, json.dumps(answer)


@responses.activate
def test_each_lead_gets_its_own_single_use_code(client, on_shopify, post_lead, db_session):
    shop, _ = on_shopify
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=created)
    rule = make_rule(db_session, shop, "popup", content=POPUP)
    decision = client.get("/v1/decide", query_string={"key": shop.public_key}).get_json()
    assert "HELLO" not in json.dumps(decision) and len(responses.calls) == 0

    ann = post_lead(shop, "ann@example.com", True, rule_id=rule.id).get_json()["discount_code"]
    bob = post_lead(shop, "bob@example.com", False, rule_id=rule.id).get_json()["discount_code"]
    again = post_lead(shop, "ann@example.com", True, rule_id=rule.id).get_json()["discount_code"]
    assert ann.startswith("HELLO-") and bob.startswith("HELLO-") and ann != bob and again == ann
    assert len(responses.calls) == 2  # the second submission of an address creates nothing
    sent = json.loads(responses.calls[0].request.body)
    assert "discountCodeBasicCreate" in sent["query"]
    discount = sent["variables"]["basicCodeDiscount"]
    assert discount["code"] == ann and discount["usageLimit"] == 1 and discount["appliesOncePerCustomer"] is True
    assert discount["customerGets"] == {"value": {"percentage": 0.15}, "items": {"all": True}}
    assert datetime.fromisoformat(discount["endsAt"]) - datetime.fromisoformat(discount["startsAt"]) == timedelta(days=14)
    assert "ann@example.com" not in json.dumps(discount)
    assert {lead.email: lead.discount_code for lead in db_session.scalars(select(Lead))} == {
        "ann@example.com": ann, "bob@example.com": bob}


@responses.activate
def test_an_amount_off_and_a_taken_code_drawn_again(on_shopify, post_lead, db_session):
    shop, _ = on_shopify
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=lambda request: refused("TAKEN", "Code must be unique."))
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=created)
    content = {**POPUP, "unique_code": {"source": "shopify", "kind": "amount", "value": 5}}
    rule = make_rule(db_session, shop, "popup", content=content)
    code = post_lead(shop, "ann@example.com", True, rule_id=rule.id).get_json()["discount_code"]
    first, second = (json.loads(call.request.body)["variables"]["basicCodeDiscount"] for call in responses.calls)
    assert first["code"] != second["code"] == code and len(code) == 8
    assert second["customerGets"]["value"] == {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}}


@responses.activate
def test_when_shopify_refuses_the_lead_is_kept_and_a_later_submission_gets_the_code(on_shopify, post_lead, db_session):
    shop, _ = on_shopify
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=lambda request: refused("INVALID", "Something is off."))
    rule = make_rule(db_session, shop, "popup", content=POPUP)
    answer = post_lead(shop, "ann@example.com", True, rule_id=rule.id)
    assert answer.status_code == 200 and answer.get_json()["message"] == CATALOGS["en"][NOT_CREATED] and "discount_code" not in answer.get_json()
    assert db_session.scalars(select(Lead)).one().discount_code is None
    responses.reset()  # Shopify accepts it now
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=created)
    code = post_lead(shop, "ann@example.com", True, rule_id=rule.id).get_json()["discount_code"]
    db_session.expire_all()
    assert db_session.scalars(select(Lead)).one().discount_code == code


def test_a_shop_not_on_shopify_cannot_ask_shopify_for_codes(shop, admin):
    shop, secret_key = shop
    response = admin("POST", "/admin/api/rules", secret_key, {"kind": "popup", "name": "Codes", "content": POPUP})
    assert response.status_code == 400
    assert "not connected to Shopify" in response.get_json()["errors"]["content"]["unique_code"]["source"][0]
    shared = admin("POST", "/admin/api/rules", secret_key, {"kind": "popup", "name": "Both", "content": {
        **POPUP, "coupon": "SAVE10", "unique_code": {"source": "pool", "pool": "p1"}}})
    assert shared.status_code == 400 and "coupon" in shared.get_json()["errors"]["content"]
