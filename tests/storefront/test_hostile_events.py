"""POST /v1/events under hostile input: a field-level rejection of the bad event, never a 5xx, and its valid neighbours stored.

Each case is one the issue found answering 500 (and losing the whole batch).
"""
from __future__ import annotations

import json
import sys
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Event, Order, Profile, RejectedEvent
from app.schemas.json_values import NOT_FINITE, parse
from tests.helpers.events import event

# What an INTEGER and a NUMERIC(14, 2) column hold (PostgreSQL refuses more; SQLite would silently store it).
MAX_COUNT = 2**31 - 1
MAX_MONEY = Decimal("999999999999.99")


def post_raw(client, text: str):
    return client.post("/v1/events", data=text, content_type="text/plain")


def post(client, body: dict):
    return post_raw(client, json.dumps(body))


def batch_around(shop, bad: dict) -> dict:
    """The bad event between two valid ones, so the answer shows whether the neighbours survive."""
    return {"key": shop.public_key, "events": [event(visitor_id="v-ok"), bad, event("product_view", visitor_id="v-ok", product_id="A")]}


def assert_only_index_1_rejected(response, field: str) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["accepted"] == 2, body
    assert [item["index"] for item in body["rejected"]] == [1]
    errors = body["rejected"][0]["errors"]
    assert field in errors, errors
    return errors


def stored_types(db_session) -> list[str]:
    return list(db_session.scalars(select(Event.type).order_by(Event.id)))


@pytest.mark.parametrize("quantity", ["1e999", str(10**30), "1000001", "-5", "0", '"lots"'])
def test_an_absurd_cart_quantity_rejects_that_event_only(client, make_shop, db_session, quantity):
    shop, _ = make_shop()
    bad = json.dumps(event("add_to_cart", product_id="A")).replace('"product_id"', f'"props": {{"quantity": {quantity}}}, "product_id"')
    good = json.dumps(event(visitor_id="v-ok"))
    response = post_raw(client, f'{{"key": "{shop.public_key}", "events": [{good}, {bad}, {json.dumps(event(visitor_id="v-ok"))}]}}')
    errors = assert_only_index_1_rejected(response, "props")
    # 1e999 is read as Infinity, which no JSON column takes: refused before the props are read at all.
    assert "quantity" in errors["props"] or errors["props"] == [NOT_FINITE]
    assert stored_types(db_session) == ["page_view", "page_view"]


def test_infinity_anywhere_in_props_rejects_that_event_only_and_keeps_it_as_a_dead_letter(client, make_shop, db_session):
    """PostgreSQL's JSON refuses Infinity: it was a 500 that lost the batch (the dead letter's write failed too)."""
    shop, _ = make_shop()
    bad = json.dumps(event(visitor_id="v-bad")).replace('"visitor_id"', '"props": {"note": -1e999}, "visitor_id"')
    good = json.dumps(event(visitor_id="v-ok"))
    response = post_raw(client, f'{{"key": "{shop.public_key}", "events": [{good}, {bad}, {json.dumps(event(visitor_id="v-ok2"))}]}}')
    assert assert_only_index_1_rejected(response, "props")["props"] == [NOT_FINITE]
    assert stored_types(db_session) == ["page_view", "page_view"]
    assert "inf" in str(db_session.scalars(select(RejectedEvent.payload)).one())


@pytest.mark.parametrize("line", [
    {"product_id": "A", "quantity": 10**30, "price": 1},
    {"product_id": "A", "quantity": 1, "price": 1e20},
    {"product_id": "A", "quantity": 1, "price": -3},
    {"product_id": {"nested": True}, "quantity": 1, "price": 1},
])
def test_order_lines_out_of_bounds_reject_the_purchase_only(client, make_shop, db_session, line):
    shop, _ = make_shop()
    bad = event("purchase", order_id="O-1", value=10, props={"lines": [line]})
    errors = assert_only_index_1_rejected(post(client, batch_around(shop, bad)), "props")
    assert "lines" in errors["props"]
    assert db_session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("ts", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "1900-01-01T00:00:00Z"])
def test_an_event_time_outside_any_browser_clock_rejects_that_event(client, make_shop, ts):
    shop, _ = make_shop()
    assert_only_index_1_rejected(post(client, batch_around(shop, event(ts=ts))), "ts")


@pytest.mark.parametrize("sent_at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_an_absurd_send_time_is_a_400_naming_sent_at(client, make_shop, sent_at):
    shop, _ = make_shop()
    response = post(client, {"key": shop.public_key, "sent_at": sent_at, "events": [event()]})
    assert response.status_code == 400
    assert "sent_at" in response.get_json()["errors"]


def test_a_browser_clock_years_off_is_still_corrected(client, make_shop, db_session):
    shop, _ = make_shop()
    response = post(client, {"key": shop.public_key, "sent_at": "2101-03-01T10:00:00Z", "events": [event(ts="2101-03-01T09:59:58Z")]})
    assert response.get_json()["accepted"] == 1


@pytest.mark.parametrize("field", ["url", "referrer"])
def test_an_unparseable_url_rejects_that_event_only(client, make_shop, field):
    shop, _ = make_shop()
    errors = assert_only_index_1_rejected(post(client, batch_around(shop, event(**{field: "http://[::1/"}))), field)
    assert errors[field] == ["Not a valid URL."]


def test_a_first_page_view_with_an_unparseable_url_never_costs_the_batch(client, make_shop, db_session):
    """The first page view of a visitor is where the traffic source is read from the URL."""
    shop, _ = make_shop()
    response = post(client, {"key": shop.public_key, "events": [event(visitor_id="fresh", url="http://[::1/?utm_source=x"), event()]})
    assert response.status_code == 200 and response.get_json()["accepted"] == 1


def test_a_body_nested_past_any_parser_is_a_400(client, make_shop):
    shop, _ = make_shop()
    response = post_raw(client, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400 and "nested" in response.get_json()["error"]
    deep_inside = f'{{"key": "{shop.public_key}", "events": [{{"props": {"[" * 5000 + "]" * 5000}}}]}}'
    assert post_raw(client, deep_inside).status_code == 400


def test_deeply_nested_props_reject_that_event_only(client, make_shop, db_session):
    shop, _ = make_shop()
    nested: dict = {}
    for _ in range(200):
        nested = {"x": nested}
    errors = assert_only_index_1_rejected(post(client, batch_around(shop, event(props=nested))), "props")
    assert "nested" in " ".join(errors["props"])


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
@pytest.mark.parametrize("field", ["visitor_id", "url", "customer_id", "props"])
def test_text_no_database_can_store_rejects_that_event_only(client, make_shop, db_session, text, field):
    shop, _ = make_shop()
    value = {"k": text} if field == "props" else text
    assert_only_index_1_rejected(post(client, batch_around(shop, event(**{field: value}))), field)


def test_profile_counters_saturate_instead_of_overflowing_their_columns(client, make_shop, db_session):
    shop, _ = make_shop()
    for _ in range(5):
        carts = [event("add_to_cart", visitor_id="whale", product_id="A", value=10**11 - 1, props={"quantity": 10**6}) for _ in range(500)]
        response = post(client, {"key": shop.public_key, "events": carts})
        assert response.status_code == 200 and response.get_json()["accepted"] == 500
    profile = db_session.scalar(select(Profile).where(Profile.customer_id.is_(None)))
    assert profile.cart_count == MAX_COUNT
    assert Decimal(profile.cart_value) == MAX_MONEY


def test_a_fractional_quantity_from_a_quantity_input_still_counts(client, make_shop, db_session):
    """The script sends the number typed into the page's quantity box: 2.5 is a slip, not an attack."""
    shop, _ = make_shop()
    response = post(client, {"key": shop.public_key, "events": [event("add_to_cart", product_id="A", props={"quantity": 2.5})]})
    assert response.get_json()["accepted"] == 1
    assert db_session.scalar(select(Profile.cart_count)) == 2


def test_a_deep_body_is_refused_whatever_the_interpreters_recursion_limit(client, make_shop):
    """A library may raise the recursion limit (then the parser would read 5,000 levels): the depth check does not rely on it."""
    shop, _ = make_shop()
    deep_inside = f'{{"key": "{shop.public_key}", "events": [{{"props": {"[" * 5000 + "]" * 5000}}}]}}'
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        response = post_raw(client, deep_inside)
    finally:
        sys.setrecursionlimit(before)
    assert response.status_code == 400 and "nested" in response.get_json()["error"]


def test_brackets_inside_strings_are_not_nesting():
    text = '{"note": "' + "[" * 2000 + '\\" ]"}'  # an escaped quote does not end the string
    assert parse(text) == {"note": "[" * 2000 + '" ]'}
