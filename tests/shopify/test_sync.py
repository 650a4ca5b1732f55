"""The Admin API sync over mocked Shopify: pagination, 429s, 5xx, and resuming after a failure."""
from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from sqlalchemy import select

from app.jobs import enqueue
from app.runner import run_pending
from app.models import Job, Order, Product, Profile, ShopifyInstall
from app.shopify.client import AdminClient, ShopifyAPIError
from app.shopify.sync import sync_shop
from tests.shopify.conftest import API, DOMAIN, TOKEN, load_fixture


def make_products(fixtures_dir, count: int) -> list[dict]:
    template = load_fixture(fixtures_dir, "product.json")["product"]
    products = []
    for n in range(1, count + 1):
        product = copy.deepcopy(template)
        product.update(id=1000 + n, handle=f"item-{n}", title=f"Item {n}")
        for variant in product["variants"]:
            variant["price"] = f"{n}.50"
        products.append(product)
    return products


class FakeShopify:
    """Serves pages of a list endpoint by page_info cursor, with scripted failures per page."""

    def __init__(self, key: str, items: list, page_size: int, failures: dict | None = None):
        self.key, self.pages = key, [items[i : i + page_size] for i in range(0, len(items), page_size)] or [[]]
        self.failures = {page: list(statuses) for page, statuses in (failures or {}).items()}
        self.requested: list[int] = []

    def __call__(self, request):
        query = parse_qs(urlparse(request.url).query)
        page = int(query.get("page_info", ["p0"])[0][1:])
        self.requested.append(page)
        queued = self.failures.get(page)
        if queued:
            status = queued.pop(0)
            if status == 429:
                return 429, {"Retry-After": "1.5"}, json.dumps({"errors": "Exceeded 2 calls per second"})
            return status, {}, json.dumps({"errors": "Internal Server Error"})
        headers = {}
        base = request.url.split("?")[0]
        if page + 1 < len(self.pages):
            headers["Link"] = f'<{base}?limit=250&page_info=p{page + 1}>; rel="next"'
            if page:
                headers["Link"] = f'<{base}?limit=250&page_info=p{page - 1}>; rel="previous", ' + headers["Link"]
        return 200, headers, json.dumps({self.key: self.pages[page]})


def mock_store(fixtures_dir, products: FakeShopify):
    responses.add_callback(responses.GET, f"{API}/products.json", callback=products)
    responses.get(f"{API}/custom_collections.json", json={"custom_collections": [{"id": 55, "title": "Gifts"}]})
    responses.get(f"{API}/smart_collections.json", json={"smart_collections": [{"id": 66, "title": "Under 5"}]})
    responses.get(f"{API}/collections/55/products.json", json={"products": [{"id": 1001}, {"id": 1002}]})
    responses.get(f"{API}/collections/66/products.json", json={"products": [{"id": 1002}]})
    responses.get(f"{API}/orders.json", json=load_fixture(fixtures_dir, "orders.json"))
    responses.get(f"{API}/customers.json", json={"customers": [load_fixture(fixtures_dir, "customers.json")["customer"]]})


@responses.activate
def test_full_sync_job_survives_429_and_5xx_and_stores_everything(installed, db_session, fixtures_dir, no_sleep):
    shop, install = installed
    products = FakeShopify("products", make_products(fixtures_dir, 7), page_size=2, failures={1: [429], 2: [503]})
    mock_store(fixtures_dir, products)
    job = enqueue(db_session, "shopify_sync", {}, shop_id=shop.id)
    db_session.commit()

    run_pending()

    job = db_session.get(Job, job.id)
    assert job.status == "done", job.error
    assert products.requested == [0, 1, 1, 2, 2, 3]  # 4 pages, the 2nd and 3rd retried once
    assert no_sleep[0] == 1.5  # the Retry-After of the 429
    assert len(no_sleep) == 2
    stored = {p.external_id: p for p in db_session.scalars(select(Product))}
    assert sorted(stored) == [str(1000 + n) for n in range(1, 8)]
    assert str(stored["1003"].price) == "3.50" and stored["1003"].url == f"https://{DOMAIN}/products/item-3"
    assert "collection:Gifts" in stored["1001"].tags
    assert {"collection:Gifts", "collection:Under 5"} <= set(stored["1002"].tags)
    assert "Emotive" in stored["1002"].tags
    assert db_session.scalar(select(Order)).external_id == "450789469"
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "207119551"))
    assert profile.order_count == 1  # the stored order and Shopify's orders_count are the same order
    state = db_session.scalar(select(ShopifyInstall)).sync_state
    assert state["products"]["count"] == 7 and state["products"]["cursor"] is None and state["products"]["synced_at"]
    assert state["customers"]["count"] == 1 and state["collections"]["count"] == 2
    assert job.progress["message"] == "Sync finished." and job.progress["counts"]["products"] == 7


@responses.activate
def test_interrupted_sync_resumes_from_the_saved_cursor(installed, db_session, fixtures_dir):
    shop, install = installed
    waits = []
    products = FakeShopify("products", make_products(fixtures_dir, 6), page_size=2, failures={1: [500] * 5})
    mock_store(fixtures_dir, products)
    client = AdminClient(DOMAIN, TOKEN, "2025-10", sleep=waits.append)

    with pytest.raises(ShopifyAPIError):
        sync_shop(db_session, install, client)
    assert products.requested == [0, 1, 1, 1, 1, 1]
    assert waits == [1.0, 2.0, 4.0, 8.0]  # exponential backoff between the five tries
    db_session.expire_all()
    saved = db_session.scalar(select(ShopifyInstall)).sync_state["products"]
    assert "page_info=p1" in saved["cursor"] and saved["fetched"] == 2
    assert len(db_session.scalars(select(Product)).all()) == 2

    products.requested.clear()
    report = sync_shop(db_session, db_session.scalar(select(ShopifyInstall)), client)
    assert products.requested == [1, 2]  # the first page was not fetched again
    assert report["products"] == 6
    assert len(db_session.scalars(select(Product)).all()) == 6
    assert db_session.scalar(select(ShopifyInstall)).sync_state["products"]["cursor"] is None


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


@responses.activate
def test_register_webhooks_job_subscribes_each_topic(installed, db_session, no_sleep):
    shop, _ = installed
    responses.post(f"{API}/webhooks.json", json={"webhook": {"id": 1}}, status=201)
    enqueue(db_session, "shopify_register_webhooks", {"address": "https://p13n.example/shopify/webhooks"}, shop_id=shop.id)
    db_session.commit()
    run_pending()
    topics = [json.loads(call.request.body)["webhook"]["topic"] for call in responses.calls]
    assert "products/update" in topics and "app/uninstalled" in topics and "orders/create" in topics
    assert "shop/redact" not in topics  # mandatory ones are set in shopify.app.toml
    assert all(call.request.headers["X-Shopify-Access-Token"] == TOKEN for call in responses.calls)


def test_client_refuses_to_send_the_token_elsewhere():
    client = AdminClient(DOMAIN, TOKEN, "2025-10", sleep=lambda s: None)
    with pytest.raises(ShopifyAPIError):
        client.get_page("https://evil.example/admin/api/2025-10/products.json")
