"""The sync over a mocked GraphQL Admin API: a first sync by bulk operations, then incremental ones.

Data: the recorded fixtures (shared/datasets/shopify-admin-fixtures) turned into
GraphQL objects (tests/shopify/graphql_fixtures.py).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import responses
from sqlalchemy import select

from app.jobs import enqueue
from app.models import Job, Order, Product, Profile, ShopifyInstall
from app.runner import run_pending
from app.shopify import sync as sync_module
from app.shopify.client import AdminClient
from app.shopify.sync import sync_shop
from tests.helpers.shopify import DOMAIN, TOKEN, post_webhook
from tests.shopify.fake_admin import FakeAdmin
from tests.shopify.graphql_fixtures import recorded_store


def run_due_jobs() -> int:
    """Run what is runnable, the delayed looks at Shopify included, as an hour passing would."""
    return run_pending(now=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1))


def assert_everything_stored(db_session, store):
    products = {p.external_id: p for p in db_session.scalars(select(Product))}
    assert sorted(products) == sorted(str(p["id"]) for p in store.products)
    for product in store.products:
        row = products[str(product["id"])]
        prices = [Decimal(v["price"]) for v in product["variants"]]
        # Every variant counted: the lowest price of all of them, in stock when any is.
        assert row.price == min(prices), product["id"]
    big = products["777000001"]
    assert big.price == Decimal("101.00") and big.in_stock is True  # only its 150th variant: cheapest and in stock
    assert "collection:Sale" in big.tags and "collection:Music players" in products["632910392"].tags
    assert {"Emotive", "MP3"} <= set(products["632910392"].tags)
    orders = {o.external_id: o for o in db_session.scalars(select(Order))}
    assert sorted(orders) == sorted(str(o["id"]) for o in store.orders)
    assert [len(orders[str(o["id"])].lines) for o in store.orders] == [len(o["line_items"]) for o in store.orders]
    customers = set(db_session.scalars(select(Profile.customer_id).where(Profile.customer_id.is_not(None))))
    assert customers == {str(c["id"]) for c in store.customers}


@responses.activate
def test_first_sync_by_bulk_operations_stores_every_object(installed, db_session, fixtures_dir, no_sleep, client):
    shop, _ = installed
    store = recorded_store(fixtures_dir, extra_products=250)
    admin = FakeAdmin(store)
    job = enqueue(db_session, "shopify_sync", {}, shop_id=shop.id)
    db_session.commit()

    run_pending()  # starts the products export, then waits for Shopify
    assert admin.bulk_calls() == ["products"]
    waiting = db_session.get(Job, job.id)
    assert waiting.status == "queued" and waiting.progress["waiting_for_shopify"] is True
    assert waiting.progress["bulk_operation"].startswith("gid://shopify/BulkOperation/")
    assert run_pending() == 0  # not due yet: no busy polling

    # Shopify says it is done (bulk_operations/finish): the waiting sync runs at once.
    operation_id = next(iter(admin.operations))
    admin.polls_before_done = 0
    finish = {"admin_graphql_api_id": operation_id, "completed_at": "2026-11-30T12:05:00Z",
              "created_at": "2026-11-30T12:00:00Z", "error_code": None, "status": "completed", "type": "query"}
    assert post_webhook(client, "bulk_operations/finish", json.dumps(finish).encode(), event_id="finish-1").status_code == 200
    run_pending()  # the webhook job wakes the sync, which imports products and starts orders
    assert admin.bulk_calls() == ["products", "orders"]
    assert len(db_session.scalars(select(Product)).all()) == len(store.products)

    for _ in range(6):  # orders and customers by polling alone
        run_due_jobs()
    assert admin.bulk_calls() == ["products", "orders", "customers"]
    assert_everything_stored(db_session, store)
    state = db_session.scalar(select(ShopifyInstall)).sync_state
    # The export's start (Shopify's clock) is each mark; collections were then read once more, incrementally.
    assert {name: state[name]["high_water"] for name in ("products", "orders", "customers")} == dict.fromkeys(
        ("products", "orders", "customers"), "2026-11-30T12:00:00Z")
    assert state["collections"]["high_water"] == admin.collection_updated_at
    assert state["products"]["count"] == len(store.products) and state["collections"]["count"] == 2
    assert not any("bulk" in value for value in state.values())
    last = db_session.scalars(select(Job).where(Job.kind == "shopify_sync").order_by(Job.id.desc())).first()
    assert last.status == "done" and last.progress["message"] == "Sync finished."
    downloads = [call for call in responses.calls if "storage.googleapis.com" in call.request.url]
    assert downloads and all("X-Shopify-Access-Token" not in call.request.headers for call in downloads)


@responses.activate
def test_incremental_sync_of_every_recorded_object(installed, db_session, fixtures_dir, no_sleep):
    """A shop whose first sync is done: everything changed after the high-water mark, page by page."""
    shop, install = installed
    store = recorded_store(fixtures_dir, extra_products=12)
    admin = FakeAdmin(store)
    install.sync_state = {name: {"high_water": "2000-01-01T00:00:00Z"} for name in ("products", "orders", "customers", "collections")}
    db_session.commit()
    enqueue(db_session, "shopify_sync", {}, shop_id=shop.id)
    db_session.commit()

    run_pending()

    assert admin.bulk_calls() == []
    assert_everything_stored(db_session, store)
    searches = {variables.get("query") for document, variables in admin.calls if document.startswith("query Page")}
    assert searches == {"updated_at:>'1999-12-31T23:55:00Z'"}  # the high-water mark less 5 minutes' overlap
    more = [variables for document, variables in admin.calls if document.startswith("query More")]
    assert more and all(v["id"] == "gid://shopify/Product/777000001" for v in more)  # 150 variants: 25 + 125 more
    state = db_session.scalar(select(ShopifyInstall)).sync_state
    assert state["products"]["high_water"] == "2011-10-20T18:05:13Z"  # the latest updatedAt seen (UTC)
    assert state["collections"]["high_water"] == admin.collection_updated_at
    assert state["products"]["count"] == len(store.products) and state["products"]["cursor"] is None


@responses.activate
def test_after_the_bulk_sync_only_changes_are_read(installed, db_session, fixtures_dir, no_sleep):
    _shop, install = installed
    store = recorded_store(fixtures_dir)
    admin = FakeAdmin(store, polls_before_done=0)
    client = AdminClient(DOMAIN, TOKEN, "2026-10", sleep=no_sleep.append)
    for _ in range(4):
        if sync_shop(db_session, install, client).finished:
            break
    assert_everything_stored(db_session, store)
    calls_before = len(admin.calls)

    changed = store.products[0]
    changed.update(updated_at="2026-12-01T10:00:00+00:00", title="IPod Nano - renamed")
    changed["variants"][0]["price"] = "9.99"
    new_customer = {**store.customers[0], "id": 555, "updated_at": "2026-12-01T10:00:00+00:00", "orders_count": 0}
    store.customers.append(new_customer)
    result = sync_shop(db_session, install, client)

    assert result.finished and admin.bulk_calls() == ["products", "orders", "customers"]
    searches = {d.split("(first")[0].split("{ ")[-1]: v["query"] for d, v in admin.calls[calls_before:]
                if d.startswith("query Page")}
    assert searches == {"products": "updated_at:>'2026-11-30T11:55:00Z'", "orders": "updated_at:>'2026-11-30T11:55:00Z'",
                        "customers": "updated_at:>'2026-11-30T11:55:00Z'",
                        "collections": "updated_at:>'2026-12-01T08:55:00Z'"}
    assert result.counts == {"products": 1, "collections": 2, "orders": 0, "customers": 1}
    row = db_session.scalar(select(Product).where(Product.external_id == str(changed["id"])))
    assert row.title == "IPod Nano - renamed" and row.price == Decimal("9.99")
    assert db_session.scalar(select(Profile).where(Profile.customer_id == "555")) is not None
    state = db_session.scalar(select(ShopifyInstall)).sync_state
    assert state["products"]["high_water"] == "2026-12-01T10:00:00Z"
    assert state["orders"]["high_water"] == "2026-11-30T12:00:00Z"  # nothing newer: the mark stays


@responses.activate
def test_a_broken_off_import_resumes_where_it_stopped(installed, db_session, fixtures_dir, no_sleep, monkeypatch):
    _shop, install = installed
    store = recorded_store(fixtures_dir, extra_products=7)
    admin = FakeAdmin(store, polls_before_done=0)
    client = AdminClient(DOMAIN, TOKEN, "2026-10", sleep=no_sleep.append)
    monkeypatch.setattr(sync_module, "BATCH", 3)
    stored: list[str] = []
    real_store_nodes = sync_module.store_nodes
    database_down = True

    def store_nodes(session, shop_, install_, resource, page):
        if resource == "products" and database_down and len(stored) >= 6:
            raise ConnectionError("the database went away")
        stored.extend(node["id"] for node in page if resource == "products")
        return real_store_nodes(session, shop_, install_, resource, page)

    monkeypatch.setattr(sync_module, "store_nodes", store_nodes)
    sync_shop(db_session, install, client)  # starts the export
    with pytest.raises(ConnectionError):
        sync_shop(db_session, install, client)
    db_session.rollback()
    running = db_session.scalar(select(ShopifyInstall)).sync_state["products"]["bulk"]
    assert running["objects"] == 6 and running["lines_done"] > 6

    database_down = False
    sync_shop(db_session, install, client)
    assert len(stored) == len(set(stored)) == len(store.products)  # nothing imported twice, nothing missed
    download = [call.request for call in responses.calls if "storage.googleapis.com" in call.request.url]
    assert len(download) == 2  # the file was read again, from the line after the last stored object
    assert admin.bulk_calls()[:1] == ["products"] and admin.bulk_calls().count("products") == 1


@responses.activate
def test_a_failed_export_is_restarted_then_given_up(installed, db_session, fixtures_dir, no_sleep):
    _shop, install = installed
    admin = FakeAdmin(recorded_store(fixtures_dir), polls_before_done=0)
    admin.failing_operations["products"] = ["FAILED", "FAILED", "FAILED"]
    client = AdminClient(DOMAIN, TOKEN, "2026-10", sleep=no_sleep.append)
    for _ in range(3):
        assert sync_shop(db_session, install, client).waiting_for == "products"
    with pytest.raises(Exception, match="failed 3 times"):
        sync_shop(db_session, install, client)
    assert admin.bulk_calls() == ["products"] * 3
    assert "bulk" not in db_session.scalar(select(ShopifyInstall)).sync_state["products"]


@responses.activate
def test_finish_webhook_of_an_unknown_operation_changes_nothing(installed, db_session, client):
    _shop, install = installed
    install.sync_state = {"products": {"bulk": {"id": "gid://shopify/BulkOperation/1", "lines_done": 0}}}
    db_session.commit()
    for body in (b'{"admin_graphql_api_id": "gid://shopify/BulkOperation/999", "status": "completed"}',
                 b'{"admin_graphql_api_id": ["not", "a", "string"]}', b"[]", b'"text"'):
        assert post_webhook(client, "bulk_operations/finish", body, event_id=f"e-{len(body)}").status_code == 200
    run_pending()
    results = [job.progress for job in db_session.scalars(select(Job).where(Job.kind == "shopify_webhook"))]
    assert all(job.status == "done" for job in db_session.scalars(select(Job).where(Job.kind == "shopify_webhook")))
    assert all("ignored" in result for result in results)
    assert db_session.scalar(select(Job).where(Job.kind == "shopify_sync")) is None


@responses.activate
def test_sync_of_an_uninstalled_shop_does_nothing(installed, db_session):
    shop, install = installed
    install.access_token_encrypted = None
    enqueue(db_session, "shopify_sync", {}, shop_id=shop.id)
    db_session.commit()
    run_pending()
    job = db_session.scalar(select(Job))
    assert job.status == "done" and "not connected" in job.progress["message"]
    assert len(responses.calls) == 0
