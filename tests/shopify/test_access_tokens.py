"""Expiring offline tokens: stored encrypted, renewed with the refresh token before they lapse, old ones moved over."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import responses
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import utcnow
from app.jobs import enqueue
from app.models import Job, ShopifyInstall
from app.runner import run_pending
from app.shopify import token_crypto
from app.shopify.connection import NotConnected, admin_client
from tests.helpers.shopify import API_KEY, API_SECRET, DOMAIN, GRAPHQL_URL, TOKEN, TOKEN_URL, graphql_answer, post_webhook

REFRESHED = {"access_token": "shpat_renewed", "scope": "read_products", "expires_in": 3600,
             "refresh_token": "shprt_next", "refresh_token_expires_in": 7776000}


@pytest.fixture
def expiring(installed, shopify_app, db_session):
    """The install's token expires in `minutes` (a refresh token valid for 90 days beside it)."""
    _shop, install = installed

    def set_expiry(minutes: float, refresh_days: float = 90):
        install.access_token_expires_at = utcnow() + timedelta(minutes=minutes)
        install.refresh_token_encrypted = token_crypto.encrypt(shopify_app, "shprt_first")
        install.refresh_token_expires_at = utcnow() + timedelta(days=refresh_days)
        db_session.commit()
        return install

    return set_expiry


def graphql_token() -> str:
    return responses.calls[-1].request.headers["X-Shopify-Access-Token"]


@responses.activate
def test_a_token_with_time_left_is_used_as_it_is(expiring):
    install = expiring(minutes=45)
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "x"}}))
    admin_client(install).query("{ shop { name } }")
    assert [call.request.url for call in responses.calls] == [GRAPHQL_URL] and graphql_token() == TOKEN


@pytest.mark.parametrize("minutes", [10, -5], ids=["expires soon", "expired"])
@responses.activate
def test_a_token_about_to_lapse_is_renewed_first_and_the_new_refresh_token_kept(expiring, shopify_app, db_session, minutes):
    install = expiring(minutes=minutes)
    responses.post(TOKEN_URL, json=REFRESHED)
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "x"}}))
    admin_client(install).query("{ shop { name } }")

    renewal = responses.calls[0].request
    assert json.loads(renewal.body) == {"client_id": API_KEY, "client_secret": API_SECRET, "grant_type": "refresh_token",
                                        "refresh_token": "shprt_first"}
    assert graphql_token() == "shpat_renewed"
    # Stored at once (Shopify has replaced the refresh token), and the caller's copy is up to date but not dirty.
    assert not inspect(install).modified and token_crypto.decrypt(shopify_app, install.access_token_encrypted) == "shpat_renewed"
    db_session.expire_all()
    stored = db_session.scalar(select(ShopifyInstall))
    assert token_crypto.decrypt(shopify_app, stored.refresh_token_encrypted) == "shprt_next"
    assert timedelta(minutes=59) < stored.access_token_expires_at - utcnow() <= timedelta(hours=1)


@responses.activate
def test_a_token_another_worker_just_renewed_is_not_renewed_again(expiring, shopify_app):
    install = expiring(minutes=45)  # what is stored
    set_committed_value(install, "access_token_expires_at", utcnow() + timedelta(minutes=1))  # what this worker last read
    responses.post(GRAPHQL_URL, json=graphql_answer({"shop": {"name": "x"}}))
    admin_client(install).query("{ shop { name } }")
    assert [call.request.url for call in responses.calls] == [GRAPHQL_URL]
    assert install.access_token_expires_at - utcnow() > timedelta(minutes=40)


@responses.activate
def test_a_refused_renewal_disconnects_loses_nothing_and_the_sync_says_so(expiring, shopify_app, db_session):
    install = expiring(minutes=1)
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_grant"})
    with pytest.raises(NotConnected, match="did not renew"):
        admin_client(install)
    job = enqueue(db_session, "shopify_sync", {}, shop_id=install.shop_id)
    db_session.commit()
    run_pending(shopify_app)
    db_session.expire_all()
    assert "did not renew the access token" in db_session.get(Job, job.id).progress["message"]
    stored = db_session.scalar(select(ShopifyInstall))
    assert token_crypto.decrypt(shopify_app, stored.refresh_token_encrypted) == "shprt_first"  # kept for a later try


@responses.activate
def test_an_expired_refresh_token_is_not_even_tried(expiring):
    install = expiring(minutes=1, refresh_days=-1)
    with pytest.raises(NotConnected, match="open the app"):
        admin_client(install)
    assert len(responses.calls) == 0


@responses.activate
def test_an_uninstall_forgets_the_refresh_token_too(shopify_app, client, installed, db_session):
    _shop, install = installed
    install.refresh_token_encrypted = token_crypto.encrypt(shopify_app, "shprt_first")
    install.access_token_expires_at = install.refresh_token_expires_at = utcnow() + timedelta(hours=1)
    db_session.commit()
    assert post_webhook(client, "app/uninstalled", json.dumps({"id": 1, "domain": DOMAIN}).encode()).status_code == 200
    run_pending(shopify_app)
    db_session.expire_all()
    install = db_session.scalar(select(ShopifyInstall))
    assert install.uninstalled_at is not None
    assert (install.access_token_encrypted, install.refresh_token_encrypted, install.access_token_expires_at) == (None, None, None)


@responses.activate
def test_the_command_moves_non_expiring_tokens_over(shopify_app, runner, installed, db_session):
    responses.post(TOKEN_URL, json={**REFRESHED, "access_token": "shpat_expiring"})
    result = runner.invoke(args=["shopify-expiring-tokens"])
    assert result.exit_code == 0, result.output
    assert f"{DOMAIN}: expiring token stored" in result.output and "1 of 1 stores moved" in result.output
    assert json.loads(responses.calls[0].request.body) == {
        "client_id": API_KEY, "client_secret": API_SECRET, "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": TOKEN, "subject_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token", "expiring": "1"}
    db_session.expire_all()
    install = db_session.scalar(select(ShopifyInstall))
    assert token_crypto.decrypt(shopify_app, install.access_token_encrypted) == "shpat_expiring"
    assert install.access_token_expires_at is not None and install.refresh_token_encrypted is not None
    # Run again: nothing left to move.
    assert "0 of 0 stores moved" in runner.invoke(args=["shopify-expiring-tokens"]).output


@responses.activate
def test_the_command_says_which_stores_it_could_not_move(shopify_app, runner, installed, db_session):
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_subject_token"})
    result = runner.invoke(args=["shopify-expiring-tokens"])
    assert result.exit_code == 1 and f"{DOMAIN}: not moved" in result.output
    db_session.expire_all()
    assert db_session.scalar(select(ShopifyInstall)).access_token_expires_at is None
    assert db_session.scalar(select(Job)) is None
