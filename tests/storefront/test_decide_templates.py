"""GET /v1/decide with block templates: real figures, or the block withheld (and its slot left to the next rule)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from app.clock import utcnow
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.schemas.rules import RuleSchema
from tests.helpers.rules import make_rule


def decide(client, shop, **query):
    return client.get("/v1/decide", query_string={"key": shop.public_key, "url": "https://shop.example/", **query}).get_json()


def test_without_a_threshold_the_free_shipping_bar_leaves_its_slot_to_the_next_rule(client, db_session, make_shop):
    shop, _ = make_shop(settings={"holdout_percent": 0})
    bar = make_rule(db_session, shop, "block", priority=5, content={"template": "free_shipping", "html": "<p>{{free_shipping_remaining}}</p>"})
    plain = make_rule(db_session, shop, "block", priority=1)
    assert [block["rule_id"] for block in decide(client, shop)["blocks"]] == [plain.id]

    shop.settings = {**shop.settings, "free_shipping_threshold": 40}
    db_session.commit()
    [block] = decide(client, shop)["blocks"]
    assert block["rule_id"] == bar.id
    assert (block["progress"], block["vars"]) == ([0.0, 40.0], {"free_shipping_remaining": 40.0, "free_shipping_threshold": 40.0})


def test_social_proof_counts_units_of_the_last_24_hours_only_and_says_nothing_of_who(client, db_session, make_shop):
    shop, _ = make_shop(settings={"holdout_percent": 0})
    make_rule(db_session, shop, "block", content={"template": "social_proof", "min_count": 3, "html": "<p>{{bought_today}}</p>"})
    store_new_orders(db_session, shop.id, [
        OrderData("A", utcnow() - timedelta(hours=2), "C-ALICE", lines=[OrderLineData("SKU", 2, Decimal(5))]),
        OrderData("B", utcnow() - timedelta(hours=30), "C-BOB", lines=[OrderLineData("SKU", 5, Decimal(5))]),
    ], "import")
    db_session.commit()
    assert decide(client, shop, product_id="SKU")["blocks"] == []  # 2 today, below the minimum of 3
    store_new_orders(db_session, shop.id, [OrderData("C", utcnow(), "C-CAROL", lines=[OrderLineData("SKU", 1, Decimal(5))])], "import")
    db_session.commit()
    answer = decide(client, shop, product_id="SKU")
    assert answer["blocks"][0]["vars"] == {"bought_today": 3}
    assert "C-" not in str(answer)
    assert decide(client, shop)["blocks"] == []  # not a product page


def test_a_countdown_carries_the_rules_end_in_utc_and_needs_one():
    schema = RuleSchema()
    block = {"kind": "block", "name": "Sale", "slot": "hero", "content": {"template": "countdown", "html": "<p>{{countdown}}</p>"}}
    with pytest.raises(ValidationError) as error:
        schema.load(block)
    assert "template" in error.value.messages["content"]
    loaded = schema.load({**block, "targeting": {"ends_at": "2030-01-01T12:00:00+01:00"}})
    assert loaded["content"]["template"] == "countdown"


def test_a_countdown_block_in_the_decision(client, db_session, make_shop):
    shop, _ = make_shop(settings={"holdout_percent": 0})
    ends = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    make_rule(db_session, shop, "block", targeting={"ends_at": ends.isoformat()},
              content={"template": "countdown", "html": "<p>{{countdown}}</p>"})
    [block] = decide(client, shop)["blocks"]
    assert block["ends_at"] == ends.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_reached_text_is_sanitized_like_the_html():
    loaded = RuleSchema().load({"kind": "block", "name": "Bar", "slot": "hero", "content": {
        "template": "free_shipping", "html": "<p>x</p>", "reached_html": "<p onclick='x()'>Free!</p><script>alert(1)</script>"}})
    assert loaded["content"]["reached_html"] == "<p>Free!</p>"
    assert loaded["content"]["min_height"] == 80, "a template reserves its space where the merchant set none"
