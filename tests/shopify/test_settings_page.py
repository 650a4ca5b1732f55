"""/settings/shopify: the page, "Sync now" and its progress JSON."""
from __future__ import annotations

import re

import pytest
import responses
from sqlalchemy import select

from app.jobs import enqueue
from app.merchant_auth.accounts import create_user
from app.models import Job, ShopifyInstall
from app.shopify import token_crypto
from tests.helpers.settings_ui import SignedIn, sign_in
from tests.helpers.shopify import DOMAIN, GRAPHQL_URL, TOKEN, theme_answer


@pytest.fixture
def merchant_page(client, shopify_app, make_shop, db_session):
    shop, _ = make_shop("Demo store", DOMAIN)
    create_user(db_session, shop.id, "owner@demo.example", "correct horse battery")
    db_session.commit()
    assert sign_in(client, "owner@demo.example", "correct horse battery").status_code == 302
    return SignedIn(client, shop)


def connect(db_session, app, shop):
    install = ShopifyInstall(shop_id=shop.id, shop_domain=DOMAIN, access_token_encrypted=token_crypto.encrypt(app, TOKEN),
                             sync_state={"products": {"count": 12, "synced_at": "2026-11-25T10:00:00+00:00", "cursor": None}})
    db_session.add(install)
    db_session.commit()
    return install


def test_not_connected_explains_how_to_install(merchant_page):
    page = merchant_page.get("/settings/shopify")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'action="/shopify/install"' in html and 'name="shop"' in html and "docs/shopify.md" in html
    assert "<script>" not in html and "style=" not in html


@responses.activate
def test_connected_shows_store_embed_and_last_sync(merchant_page, shopify_app, db_session):
    connect(db_session, shopify_app, merchant_page.shop)
    responses.post(GRAPHQL_URL, json=theme_answer('{"current": {"blocks": {}}}'))
    html = merchant_page.get("/settings/shopify").get_data(as_text=True)
    assert DOMAIN in html and "2026-11-25T10:00:00+00:00" in html and ">12<" in html
    assert "App embed" in html and "activateAppId=" in html
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)
    assert "<script>" not in html and "style=" not in html


@responses.activate
def test_sync_now_enqueues_once_and_progress_reports_it(merchant_page, shopify_app, db_session):
    connect(db_session, shopify_app, merchant_page.shop)
    assert merchant_page.client.get("/settings/shopify/sync/progress").get_json() == {"status": "none"}
    assert merchant_page.post("/settings/shopify/sync").status_code == 302
    assert merchant_page.post("/settings/shopify/sync").status_code == 302  # already queued: not twice
    jobs = db_session.scalars(select(Job).where(Job.kind == "shopify_sync")).all()
    assert len(jobs) == 1
    progress = merchant_page.client.get("/settings/shopify/sync/progress").get_json()
    assert progress["status"] == "queued"


def test_sync_needs_the_csrf_token(merchant_page, shopify_app, db_session):
    connect(db_session, shopify_app, merchant_page.shop)
    assert merchant_page.client.post("/settings/shopify/sync").status_code == 400
    assert db_session.scalar(select(Job)) is None


def test_other_shops_sync_is_not_shown(merchant_page, make_shop, db_session):
    other, _ = make_shop("Other", "other.example")
    enqueue(db_session, "shopify_sync", {}, shop_id=other.id)
    db_session.commit()
    assert merchant_page.client.get("/settings/shopify/sync/progress").get_json() == {"status": "none"}


def test_signed_out_is_sent_to_login(client, shopify_app):
    response = client.get("/settings/shopify")
    assert response.status_code == 302 and "/settings/login" in response.headers["Location"]
