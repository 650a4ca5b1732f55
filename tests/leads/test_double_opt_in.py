"""Double opt-in: a "yes" counts only after the shopper confirms through the emailed link."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.leads.jobs import OUTBOX
from app.models import Lead, LeadConsent
from app.runner import run_pending


def _turn_on(app, admin, secret_key):
    app.config["MAIL_BACKEND"] = "outbox"
    response = admin("PUT", "/admin/api/leads/settings", secret_key, {"double_opt_in": True})
    assert response.status_code == 200 and response.get_json()["double_opt_in"] is True


def _link(app) -> str:
    (message,) = app.extensions[OUTBOX]
    return re.search(r"http://localhost(/v1/leads/confirm\?token=\S+)", message.text).group(1)


def test_consent_counts_only_after_the_confirmation_click(app, client, shop, admin, post_lead, db_session):
    shop, secret_key = shop
    _turn_on(app, admin, secret_key)
    answer = post_lead(shop, "ann@example.com", True).get_json()
    assert answer["consent"] is False and answer["confirmation_sent"] is True and "emailed you" in answer["message"]
    lead = db_session.scalars(select(Lead)).one()
    assert lead.consent is False and lead.consent_pending_at is not None

    assert run_pending(app) == 1
    (message,) = app.extensions[OUTBOX]
    assert message.to == "ann@example.com" and "Gift Shop" in message.subject
    link = _link(app)
    page = client.get(link)  # opening the link (or a mail scanner doing so) changes nothing
    assert page.status_code == 200 and b"Confirm my subscription" in page.data
    db_session.expire_all()
    assert db_session.get(Lead, lead.id).consent is False

    token = link.split("token=", 1)[1]
    done = client.post("/v1/leads/confirm", data={"token": token})
    assert done.status_code == 200 and b"now subscribed" in done.data
    db_session.expire_all()
    lead = db_session.get(Lead, lead.id)
    assert lead.consent is True and lead.confirmed_at is not None and lead.consent_pending_at is None
    assert lead.consent_at == lead.confirmed_at
    sources = db_session.scalars(select(LeadConsent.source).order_by(LeadConsent.id)).all()
    assert sources == ["popup", "confirmation"]
    assert client.post("/v1/leads/confirm", data={"token": token}).status_code == 200  # a second click is harmless


def test_an_altered_or_withdrawn_link_signs_nobody_up(app, client, shop, admin, post_lead, db_session):
    shop, secret_key = shop
    _turn_on(app, admin, secret_key)
    post_lead(shop, "ann@example.com", True)
    run_pending(app)
    token = _link(app).split("token=", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post("/v1/leads/confirm", data={"token": tampered}).status_code == 400
    assert client.get("/v1/leads/confirm", query_string={"token": "nonsense"}).status_code == 400
    post_lead(shop, "ann@example.com", False)  # changed their mind before clicking
    refused = client.post("/v1/leads/confirm", data={"token": token})
    assert refused.status_code == 400 and b"unsubscribed" in refused.data
    db_session.expire_all()
    assert db_session.scalars(select(Lead)).one().consent is False


def test_double_opt_in_needs_an_email_sender(app, shop, admin):
    shop, secret_key = shop
    response = admin("PUT", "/admin/api/leads/settings", secret_key, {"double_opt_in": True})
    assert response.status_code == 400 and "SMTP_HOST" in response.get_json()["errors"]["double_opt_in"][0]


def test_without_double_opt_in_a_yes_counts_at_once_and_no_email_goes_out(app, shop, post_lead, db_session):
    shop, _ = shop
    app.config["MAIL_BACKEND"] = "outbox"
    assert post_lead(shop, "ann@example.com", True).get_json() == {"ok": True, "consent": True}
    assert run_pending(app) == 0 and not app.extensions.get(OUTBOX)


def test_a_worker_that_never_served_a_request_signs_links_with_the_instance_key(app, client, shop, admin, post_lead,
                                                                                tmp_path, monkeypatch):
    """The embedded default loads its key per request; the worker sending the email has none loaded yet."""
    shop, secret_key = shop
    _turn_on(app, admin, secret_key)
    post_lead(shop, "ann@example.com", True)
    monkeypatch.setattr("app.secret_key.INSTANCE_DIR", tmp_path)
    app.secret_key = None
    app.config["SECRET_KEY"] = ""
    assert run_pending(app) == 1 and app.extensions[OUTBOX]
    app.secret_key = (tmp_path / "secret_key").read_text().strip()  # what the web process loads
    token = _link(app).split("token=", 1)[1]
    assert client.post("/v1/leads/confirm", data={"token": token}).status_code == 200
