"""POST /shopify/webhooks: authenticity, deduplication, and what each topic does."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from app.clock import utcnow
from app.models import Event, Job, Order, Product, Profile, Shop, ShopifyInstall, WebhookDelivery
from app.runner import run_pending
from app.storefront.bundle import public_config
from tests.helpers.shopify import API_SECRET, DOMAIN, load_fixture, post_webhook


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_not_configured_answers_503_naming_the_variables(app, client):
    response = client.post("/shopify/webhooks", data=b"{}")
    assert response.status_code == 503
    assert "SHOPIFY_API_KEY" in response.get_data(as_text=True) and "SHOPIFY_API_SECRET" in response.get_data(as_text=True)


def test_wrong_key_reserialised_body_and_missing_header_are_401_with_no_side_effect(client, installed, db_session, fixtures_dir):
    raw = json.dumps(load_fixture(fixtures_dir, "product.json")["product"], indent=1).encode()
    assert post_webhook(client, "products/create", raw, secret="not-the-secret").status_code == 401
    reserialised = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    good_hmac_of_original = __import__("app.shopify.signatures", fromlist=["x"]).webhook_hmac(API_SECRET, raw)
    assert post_webhook(client, "products/create", reserialised, hmac_header=good_hmac_of_original).status_code == 401
    assert post_webhook(client, "products/create", raw, drop_hmac=True).status_code == 401
    assert post_webhook(client, "products/create", raw, hmac_header="").status_code == 401
    assert count(db_session, WebhookDelivery) == 0
    assert count(db_session, Job) == 0


def test_same_event_eight_times_is_processed_once(client, installed, db_session, fixtures_dir, no_sleep):
    raw = json.dumps(load_fixture(fixtures_dir, "product.json")["product"]).encode()
    for _ in range(8):
        response = post_webhook(client, "products/update", raw, event_id="evt-dup")
        assert response.status_code == 200
    assert count(db_session, WebhookDelivery) == 1
    assert count(db_session, Job) == 1
    assert run_pending() == 1
    products = db_session.scalars(select(Product)).all()
    assert len(products) == 1
    product = products[0]
    assert (product.external_id, product.title) == ("632910392", "IPod Nano - 8GB")
    assert str(product.price) == "199.00" and product.in_stock
    assert product.url == f"https://{DOMAIN}/products/ipod-nano"
    assert product.tags == ["Emotive", "Flash Memory", "MP3", "Music"]
    assert db_session.scalar(select(WebhookDelivery)).processed_at is not None


def test_unknown_shop_is_acknowledged_and_ignored(client, shopify_app, db_session):
    response = post_webhook(client, "products/create", b'{"id": 1}', domain="stranger.myshopify.com")
    assert response.status_code == 200
    assert count(db_session, WebhookDelivery) == 0 and count(db_session, Job) == 0


def test_unknown_topic_is_acknowledged_and_ignored(client, installed, db_session):
    assert post_webhook(client, "themes/publish", b'{"id": 1}').status_code == 200
    run_pending()
    job = db_session.scalar(select(Job))
    assert job.status == "done" and "unhandled topic" in job.progress["ignored"]


def test_orders_create_stores_the_order_once(client, installed, db_session, fixtures_dir):
    shop, _install = installed
    raw = json.dumps(load_fixture(fixtures_dir, "order.json")["order"]).encode()
    assert post_webhook(client, "orders/create", raw, event_id="o-1").status_code == 200
    assert post_webhook(client, "orders/paid", raw, event_id="o-2").status_code == 200
    run_pending()
    orders = db_session.scalars(select(Order)).all()
    assert len(orders) == 1
    order = orders[0]
    assert (order.external_id, order.customer_id, str(order.total), order.source) == ("450789469", "207119551", "409.94", "shopify")
    assert [(line.product_id, line.quantity) for line in order.lines] == [("632910392", 1)] * 3
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "207119551"))
    assert order.profile_id == profile.id and profile.order_count == 1


def test_products_delete_marks_out_of_stock_and_keeps_history(client, installed, db_session, fixtures_dir):
    product = load_fixture(fixtures_dir, "product.json")["product"]
    post_webhook(client, "products/create", json.dumps(product).encode(), event_id="p-1")
    post_webhook(client, "products/delete", json.dumps({"id": product["id"]}).encode(), event_id="p-2")
    run_pending()
    stored = db_session.scalar(select(Product))
    assert stored is not None and stored.in_stock is False


def test_customers_create_makes_a_profile(client, installed, db_session, fixtures_dir):
    customer = load_fixture(fixtures_dir, "customers.json")["customer"]
    post_webhook(client, "customers/create", json.dumps(customer).encode())
    run_pending()
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "207119551"))
    assert profile.order_count == 1 and str(profile.total_spend) == "41.94"


def test_app_uninstalled_drops_the_token(client, installed, db_session):
    shop = db_session.get(Shop, db_session.scalar(select(ShopifyInstall)).shop_id)
    shop.settings = {**(shop.settings or {}), "shopify_pixel": {"id": "gid://shopify/WebPixel/1"}, "consent_required": True}
    db_session.commit()
    assert public_config(shop, "https://p13n.example")["tracking"] == "pixel"
    post_webhook(client, "app/uninstalled", json.dumps({"id": 1, "domain": DOMAIN}).encode())
    run_pending()
    db_session.expire_all()
    install = db_session.scalar(select(ShopifyInstall))
    assert install.access_token_encrypted is None and install.uninstalled_at is not None
    # Shopify removed the pixel with the app: the storefront script reports views itself again.
    shop = db_session.get(Shop, install.shop_id)
    assert shop.settings == {"consent_required": True} and "tracking" not in public_config(shop, "https://p13n.example")


def test_customers_redact_deletes_the_customers_data(client, installed, db_session, fixtures_dir):
    shop, _ = installed
    raw = json.dumps(load_fixture(fixtures_dir, "order.json")["order"]).encode()
    post_webhook(client, "orders/create", raw, event_id="o-1")
    run_pending()
    profile = db_session.scalar(select(Profile).where(Profile.customer_id == "207119551"))
    other = Profile(shop_id=shop.id, customer_id="999", session_count=0)
    db_session.add(other)
    db_session.flush()
    for profile_id, customer_id, n in ((profile.id, "207119551", "1"), (other.id, "999", "2")):
        db_session.add(Event(shop_id=shop.id, client_event_id=f"e{n}", type="page_view", profile_id=profile_id,
                             visitor_id=f"v{n}", customer_id=customer_id, occurred_at=utcnow(), received_at=utcnow(), props={}))
    db_session.commit()

    body = {"shop_id": 1, "shop_domain": DOMAIN, "customer": {"id": 207119551, "email": "bob.norman@hostmail.com"},
            "orders_to_redact": [450789469]}
    assert post_webhook(client, "customers/redact", json.dumps(body).encode(), event_id="r-1").status_code == 200
    run_pending()
    db_session.expire_all()
    assert db_session.scalar(select(Profile).where(Profile.customer_id == "207119551")) is None
    assert count(db_session, Order) == 0
    assert [e.customer_id for e in db_session.scalars(select(Event))] == ["999"]
    assert db_session.scalar(select(WebhookDelivery).where(WebhookDelivery.event_id == "r-1")).payload == {}


def test_customers_data_request_keeps_the_export_in_the_job(client, installed, db_session, fixtures_dir):
    raw = json.dumps(load_fixture(fixtures_dir, "order.json")["order"]).encode()
    post_webhook(client, "orders/create", raw, event_id="o-1")
    body = {"shop_domain": DOMAIN, "customer": {"id": 207119551, "email": "bob.norman@hostmail.com"},
            "orders_requested": [450789469], "data_request": {"id": 9999}}
    post_webhook(client, "customers/data_request", json.dumps(body).encode(), event_id="d-1")
    run_pending()
    job = db_session.scalars(select(Job).where(Job.kind == "shopify_webhook").order_by(Job.id.desc())).first()
    export = job.progress["export"]
    assert export["shopify_data_request"] == 9999
    assert [order["external_id"] for order in export["orders"]] == ["450789469"]
    assert export["profiles"][0]["customer_id"] == "207119551"


def test_shop_redact_deletes_the_shop(client, installed, db_session, fixtures_dir):
    raw = json.dumps(load_fixture(fixtures_dir, "order.json")["order"]).encode()
    post_webhook(client, "orders/create", raw, event_id="o-1")
    run_pending()
    body = {"shop_id": 954889, "shop_domain": DOMAIN}
    assert post_webhook(client, "shop/redact", json.dumps(body).encode(), event_id="s-1").status_code == 200
    run_pending()
    db_session.expire_all()
    assert count(db_session, Shop) == 0
    assert count(db_session, ShopifyInstall) == 0 and count(db_session, Order) == 0 and count(db_session, Profile) == 0
    redact_job = db_session.scalar(select(Job).where(Job.kind == "shopify_webhook"))
    assert redact_job.status == "done" and redact_job.progress["deleted"] is True


def test_a_signed_body_nested_too_deeply_is_a_400_not_a_500(client, installed, db_session):
    response = post_webhook(client, "orders/create", b"[" * 100_000 + b"]" * 100_000, event_id="deep")
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_a_signed_body_with_nul_or_a_lone_surrogate_is_a_400_not_a_500(client, installed, db_session):
    for n, text in enumerate(["a\\u0000b", "\\ud800"]):
        body = ('{"id": 1, "email": "' + text + '"}').encode()
        response = post_webhook(client, "orders/create", body, event_id=f"unstorable-{n}")
        assert response.status_code == 400, response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
