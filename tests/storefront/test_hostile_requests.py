"""/v1/decide, /v1/leads, /v1/recommendations and /s/KEY.js under hostile input: 4xx with field messages, never a 5xx."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Lead, Product, Segment
from tests.helpers.events import event
from tests.helpers.rules import make_rule


def test_decide_with_an_unparseable_page_url_is_a_400_naming_url(client, make_shop):
    shop, _ = make_shop()
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "url": "http://[::1/"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"url": ["Not a valid URL."]}


@pytest.mark.parametrize("conditions", [
    [{"field": "stage", "op": "in", "value": [{}]}],
    [{"field": "order_count", "op": "gt", "value": {"a": 1}}],
    [{"field": "last_seen_at", "op": "within_days", "value": 1e300}],
    [{"field": "first_seen_at", "op": "before", "value": "yesterday"}],
    [{"field": "no_such_trait", "op": "teleports"}],
    ["not even an object"],
])
def test_a_stored_malformed_segment_never_takes_the_widgets_off_the_storefront(client, make_shop, db_session, conditions):
    """Stored before validation caught it (or written by hand): targeting skips it, every other rule still shows."""
    shop, _ = make_shop(settings={"holdout_percent": 0})
    segment = Segment(shop_id=shop.id, name="broken", match="all", conditions=conditions)
    db_session.add(segment)
    db_session.commit()
    make_rule(db_session, shop, "block", name="for the segment", slot="a", targeting={"segments": [segment.id]})
    make_rule(db_session, shop, "block", name="for everyone", slot="b")
    for visitor in ({}, {"visitor_id": "v-1"}):
        response = client.get("/v1/decide", query_string={"key": shop.public_key, **visitor})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert [block["slot"] for block in response.get_json()["blocks"]] == ["b"]


@pytest.mark.parametrize("targeting", [
    {"segments": [{"id": 1}]},
    {"url_patterns": [None, 7]},
    {"starts_at": "next tuesday"},
    {"stages": "loyal"},
    "not an object",
])
def test_a_stored_malformed_targeting_skips_that_rule_only(client, make_shop, db_session, targeting):
    shop, _ = make_shop(settings={"holdout_percent": 0})
    broken = make_rule(db_session, shop, "block", name="broken", slot="a")
    broken.targeting = targeting
    db_session.commit()
    make_rule(db_session, shop, "block", name="fine", slot="b")
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "v-1", "url": "https://s.example/"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [block["slot"] for block in response.get_json()["blocks"]] == ["b"]


@pytest.mark.parametrize("rule_id", [10**30, -1, 0, 2**31])
def test_a_lead_naming_an_impossible_rule_id_is_a_400(client, make_shop, db_session, rule_id):
    shop, _ = make_shop()
    body = {"key": shop.public_key, "email": "a@b.example", "consent": True, "rule_id": rule_id}
    response = client.post("/v1/leads", data=json.dumps(body), content_type="text/plain")
    assert response.status_code == 400
    assert "rule_id" in response.get_json()["errors"]
    assert db_session.scalar(select(func.count()).select_from(Lead)) == 0


@pytest.mark.parametrize("path", ["/v1/decide", "/v1/recommendations"])
@pytest.mark.parametrize("param", ["visitor_id", "product_id", "key"])
def test_a_nul_in_a_query_is_a_400(client, make_shop, path, param):
    shop, _ = make_shop()
    response = client.get(path, query_string={"key": shop.public_key, param: "a\x00b"})
    assert response.status_code == 400


def test_a_nul_in_the_script_key_is_an_unknown_key(client):
    response = client.get("/s/pk_%00abc.js")
    assert response.status_code in (400, 404)


def test_a_stored_link_that_is_not_http_is_never_served(client, make_shop, db_session):
    """Stored before the schema refused it (or written by hand): the recommendation answer leaves it out."""
    shop, _ = make_shop()
    db_session.add_all([
        Product(shop_id=shop.id, external_id="evil", title="Evil", url="javascript:alert(1)", image_url="data:image/svg+xml,<svg/onload=alert(1)>",
                tags=[], in_stock=True),
        Product(shop_id=shop.id, external_id="fine", title="Fine", url="/products/fine", image_url="https://cdn.example/f.png", tags=[], in_stock=True),
    ])
    db_session.commit()
    # three distinct visitors each: trending's minimum support
    ingest_batch(db_session, shop.id, [event("product_view", f"v{k}", product_id=product) for product in ("evil", "fine") for k in range(3)],
                 sent_at=None, received_at=utcnow())
    db_session.commit()
    items = client.get("/v1/recommendations", query_string={"key": shop.public_key, "strategy": "trending"}).get_json()["items"]
    by_id = {item["id"]: item for item in items}
    assert (by_id["evil"]["url"], by_id["evil"]["image"]) == (None, None)
    assert (by_id["fine"]["url"], by_id["fine"]["image"]) == ("/products/fine", "https://cdn.example/f.png")
