"""The leads page's set-up forms: double opt-in, the webhook, code pools — the same resources as the admin API."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.models import DiscountCode, Rule, Shop


def test_the_webhook_is_saved_with_a_generated_secret_shown_once(signed_in, db_session):
    saved = signed_in.post("/settings/leads/settings", {"webhook_url": "https://relay.example/leads"}, follow_redirects=True)
    html = saved.get_data(as_text=True)
    secret = re.search(r"shown this once; [^:]*: (whsec_[\w-]+)", html).group(1)
    db_session.expire_all()
    stored = db_session.get(Shop, signed_in.shop.id).settings["leads"]
    assert stored["webhook_url"] == "https://relay.example/leads" and secret not in str(stored)  # kept sealed
    page = signed_in.get("/settings/leads").get_data(as_text=True)
    assert secret not in page and f"ends in …{secret[-4:]}" in page
    bad = signed_in.post("/settings/leads/settings", {"webhook_url": "http://relay.example/leads"}, follow_redirects=True)
    assert "https://" in bad.get_data(as_text=True)


def test_double_opt_in_is_offered_only_with_an_email_sender(app, signed_in, db_session):
    refused = signed_in.post("/settings/leads/settings", {"double_opt_in": "on"}, follow_redirects=True)
    assert "no email sender is configured" in refused.get_data(as_text=True)
    app.config["SMTP_HOST"] = "smtp.example.com"
    signed_in.post("/settings/leads/settings", {"double_opt_in": "on"})
    db_session.expire_all()
    assert db_session.get(Shop, signed_in.shop.id).settings["leads"]["double_opt_in"] is True


def test_codes_are_uploaded_counted_and_unused_ones_removed(signed_in, db_session):
    done = signed_in.post("/settings/leads/codes", {"pool": "welcome10", "codes": "AAA111\r\nBBB222\r\nAAA111\r\n"},
                          follow_redirects=True).get_data(as_text=True)
    assert "2 codes added to welcome10; 1 skipped" in done and "<code>welcome10</code>" in done
    bad = signed_in.post("/settings/leads/codes", {"pool": "welcome 10", "codes": "x"}, follow_redirects=True)
    assert "Pool:" in bad.get_data(as_text=True)
    signed_in.post("/settings/leads/codes/welcome10/delete-unused")
    assert db_session.scalars(select(DiscountCode)).all() == []


EDITOR = {"name": "Sign-up code", "enabled": "true", "content.headline": "Your own code", "content.email_capture": "true",
          "content.unique_code.kind": "percentage", "content.unique_code.pool": "welcome10"}


def test_the_pop_up_editor_sets_unique_codes_and_no_means_none(signed_in, db_session):
    shown = signed_in.get("/settings/rules/new/popup").get_data(as_text=True)
    assert 'name="content.unique_code.source"' in shown
    assert signed_in.post("/settings/rules/new/popup", {**EDITOR, "content.unique_code.source": "pool"}).status_code == 302
    assert signed_in.post("/settings/rules/new/popup", {**EDITOR, "content.unique_code.source": ""}).status_code == 302
    with_codes, without = db_session.scalars(select(Rule).order_by(Rule.id)).all()
    assert with_codes.content["unique_code"]["pool"] == "welcome10" and without.content["unique_code"] is None
    refused = signed_in.post("/settings/rules/new/popup", {**EDITOR, "content.unique_code.source": "shopify", "content.unique_code.value": "10"})
    assert refused.status_code == 400 and "not connected to Shopify" in refused.get_data(as_text=True)
