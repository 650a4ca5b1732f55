"""The lead webhook: each lead POSTed to the merchant's endpoint, signed with their secret, retried until it lands."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.jobs.kinds import LEAD_WEBHOOK
from app.leads.signing import verify
from app.models import Job, Shop
from app.runner import run_pending


def _set_webhook(admin, secret_key, url, secret="s3cret-for-the-email-tool"):
    response = admin("PUT", "/admin/api/leads/settings", secret_key, {"webhook_url": url, "webhook_secret": secret})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_lead_reaches_the_merchants_endpoint_signed(app, shop, admin, post_lead, receiver, db_session):
    shop, secret_key = shop
    shown = _set_webhook(admin, secret_key, receiver.url)
    assert shown["webhook_secret_set"] is True and shown["webhook_secret_hint"] == "…tool" and "webhook_secret" not in shown
    post_lead(shop, "ann@example.com", True, visitor_id="v1")
    post_lead(shop, "ann@example.com", False)
    assert run_pending(app) == 2
    assert [request.path for request in receiver.requests] == ["/hooks/leads", "/hooks/leads"]
    first, second = receiver.requests
    assert verify("s3cret-for-the-email-tool", first.headers["X-P13n-Signature"], first.body, int(time.time()))
    assert not verify("another-secret-entirely", first.headers["X-P13n-Signature"], first.body, int(time.time()))
    event = json.loads(first.body)
    assert event["type"] == "lead.created" and first.headers["X-P13n-Event"] == "lead.created"
    assert event["lead"]["email"] == "ann@example.com" and event["lead"]["consent"] is True and event["shop_id"] == shop.id
    assert event["id"] == first.headers["X-P13n-Delivery"]
    assert json.loads(second.body)["type"] == "lead.updated" and json.loads(second.body)["lead"]["consent"] is False
    jobs = db_session.scalars(select(Job).where(Job.kind == LEAD_WEBHOOK)).all()
    assert [(job.status, job.progress["status_code"]) for job in jobs] == [("done", 200), ("done", 200)]


def test_a_failing_endpoint_is_retried_with_backoff_and_the_record_says_why(app, shop, admin, post_lead, receiver, db_session):
    shop, secret_key = shop
    _set_webhook(admin, secret_key, receiver.url)
    receiver.status = 500
    post_lead(shop, "ann@example.com", True)
    assert run_pending(app) == 1
    job = db_session.scalars(select(Job).where(Job.kind == LEAD_WEBHOOK)).one()
    assert (job.status, job.attempts, job.progress["status_code"]) == ("queued", 1, 500) and "answered 500" in job.error
    assert run_pending(app) == 0  # not before its backoff
    receiver.status = 204
    assert run_pending(app, now=datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=2)) == 1
    db_session.expire_all()
    job = db_session.get(Job, job.id)
    assert (job.status, job.attempts, job.progress["status_code"]) == ("done", 2, 204)
    bodies = {request.body for request in receiver.requests}
    assert len(receiver.requests) == 2 and len(bodies) == 1  # the retry sends the same event


def test_webhook_settings_are_validated_and_a_missing_secret_is_generated(shop, admin):
    shop, secret_key = shop
    plain = admin("PUT", "/admin/api/leads/settings", secret_key, {"webhook_url": "http://crm.example.com/hook"})
    assert plain.status_code == 400 and "https" in plain.get_json()["errors"]["webhook_url"][0]
    short = admin("PUT", "/admin/api/leads/settings", secret_key, {"webhook_url": "https://crm.example.com/hook", "webhook_secret": "short"})
    assert short.status_code == 400 and "webhook_secret" in short.get_json()["errors"]
    created = admin("PUT", "/admin/api/leads/settings", secret_key, {"webhook_url": "https://crm.example.com/hook"})
    assert created.status_code == 200 and created.get_json()["webhook_secret"].startswith("whsec_")
    assert "webhook_secret" not in admin("GET", "/admin/api/leads/settings", secret_key).get_json()
    rotated = admin("POST", "/admin/api/leads/settings/webhook-secret", secret_key).get_json()["webhook_secret"]
    assert rotated != created.get_json()["webhook_secret"]


def test_no_webhook_means_no_delivery_jobs(app, shop, post_lead, db_session):
    shop, _ = shop
    post_lead(shop, "ann@example.com", True)
    assert db_session.scalars(select(Job).where(Job.kind == LEAD_WEBHOOK)).all() == []


def test_the_secret_is_stored_sealed_and_a_changed_server_key_fails_clearly(app, shop, admin, post_lead, receiver, db_session):
    shop, secret_key = shop
    _set_webhook(admin, secret_key, receiver.url)
    db_session.expire_all()
    assert "s3cret-for-the-email-tool" not in str(db_session.get(Shop, shop.id).settings)
    app.secret_key = app.config["SECRET_KEY"] = "a-different-server-key"
    post_lead(shop, "ann@example.com", True)
    run_pending(app)
    job = db_session.scalars(select(Job).where(Job.kind == LEAD_WEBHOOK)).one()
    assert job.status == "failed" and "SECRET_KEY changed" in job.error and receiver.requests == []
