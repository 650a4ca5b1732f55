"""The install's Admin API jobs: webhook subscriptions and the Web Pixel, as GraphQL mutations."""
from __future__ import annotations

import json

import responses
from sqlalchemy import select

from app.jobs import enqueue
from app.models import Job
from app.runner import run_pending
from app.shopify.webhook_topics import SUBSCRIBED_TOPICS
from tests.helpers.shopify import GRAPHQL_URL, TOKEN, graphql_answer

ADDRESS = "https://p13n.example/shopify/webhooks"


def sent(call) -> tuple[str, dict]:
    body = json.loads(call.request.body)
    return body["query"], body["variables"]


def created(topic: str) -> dict:
    return graphql_answer({"webhookSubscriptionCreate": {
        "webhookSubscription": {"id": "gid://shopify/WebhookSubscription/4759306", "topic": topic, "uri": ADDRESS},
        "userErrors": []}})


@responses.activate
def test_register_webhooks_subscribes_every_topic_including_the_bulk_finish(installed, db_session, no_sleep):
    shop, _ = installed
    for topic in SUBSCRIBED_TOPICS:
        if topic == "products/update":  # subscribed by an earlier install: Shopify says so, and that is fine
            responses.post(GRAPHQL_URL, json=graphql_answer({"webhookSubscriptionCreate": {
                "webhookSubscription": None,
                "userErrors": [{"field": ["webhookSubscription", "callbackUrl"],
                                "message": "Address for this topic has already been taken"}]}}))
        else:
            responses.post(GRAPHQL_URL, json=created(topic.upper().replace("/", "_")))
    job = enqueue(db_session, "shopify_register_webhooks", {"address": ADDRESS}, shop_id=shop.id)
    db_session.commit()
    run_pending()

    job = db_session.get(Job, job.id)
    assert job.status == "done", job.error
    topics = [sent(call)[1]["topic"] for call in responses.calls]
    assert "BULK_OPERATIONS_FINISH" in topics and "PRODUCTS_UPDATE" in topics and "APP_UNINSTALLED" in topics
    assert "ORDERS_CREATE" in topics and "SHOP_REDACT" not in topics  # the privacy ones live in shopify.app.toml
    assert all(sent(call)[1]["uri"] == ADDRESS for call in responses.calls)
    assert all("webhookSubscriptionCreate" in sent(call)[0] for call in responses.calls)
    assert all(call.request.headers["X-Shopify-Access-Token"] == TOKEN for call in responses.calls)
    assert sorted(job.progress["registered"]) == sorted(SUBSCRIBED_TOPICS)


@responses.activate
def test_register_webhooks_fails_on_a_real_refusal(installed, db_session, no_sleep):
    shop, _ = installed
    responses.post(GRAPHQL_URL, json=graphql_answer({"webhookSubscriptionCreate": {
        "webhookSubscription": None, "userErrors": [{"field": ["webhookSubscription", "uri"], "message": "Address is invalid"}]}}))
    job = enqueue(db_session, "shopify_register_webhooks", {"address": "ftp://nope"}, shop_id=shop.id)
    db_session.commit()
    run_pending()
    job = db_session.get(Job, job.id)
    assert job.status == "queued" and "Address is invalid" in job.error  # retried later with backoff


@responses.activate
def test_connect_pixel_creates_it_with_the_public_key_and_our_address(installed, db_session, no_sleep):
    shop, _ = installed
    responses.post(GRAPHQL_URL, json={"errors": [{"message": "No web pixel was found for this app.",
                                                  "extensions": {"code": "NOT_FOUND"}}], "data": {"webPixel": None}})
    responses.post(GRAPHQL_URL, json=graphql_answer({"webPixelCreate": {
        "webPixel": {"id": "gid://shopify/WebPixel/1", "settings": "{}"}, "userErrors": []}}))
    job = enqueue(db_session, "shopify_connect_pixel", {"backend_url": "https://p13n.example/"}, shop_id=shop.id)
    db_session.commit()
    run_pending()

    job = db_session.get(Job, job.id)
    assert job.status == "done", job.error
    document, variables = sent(responses.calls[1])
    assert "webPixelCreate(webPixel: {settings: $settings})" in document
    assert json.loads(variables["settings"]) == {"publicKey": shop.public_key, "backendUrl": "https://p13n.example"}
    assert job.progress["pixel"] == {"id": "gid://shopify/WebPixel/1", "created": True}
    db_session.refresh(shop)
    assert shop.settings["shopify_pixel"]["id"] == "gid://shopify/WebPixel/1"  # the script now leaves tracking to it


@responses.activate
def test_connect_pixel_updates_the_one_already_there(installed, db_session, no_sleep):
    shop, _ = installed
    responses.post(GRAPHQL_URL, json=graphql_answer({"webPixel": {"id": "gid://shopify/WebPixel/7", "settings": "{}"}}))
    responses.post(GRAPHQL_URL, json=graphql_answer({"webPixelUpdate": {
        "webPixel": {"id": "gid://shopify/WebPixel/7", "settings": "{}"}, "userErrors": []}}))
    enqueue(db_session, "shopify_connect_pixel", {"backend_url": "https://p13n.example"}, shop_id=shop.id)
    db_session.commit()
    run_pending()

    job = db_session.scalar(select(Job).where(Job.kind == "shopify_connect_pixel"))
    assert job.status == "done", job.error
    document, variables = sent(responses.calls[1])
    assert "webPixelUpdate(id: $id" in document and variables["id"] == "gid://shopify/WebPixel/7"
    assert job.progress["pixel"] == {"id": "gid://shopify/WebPixel/7", "created": False}
