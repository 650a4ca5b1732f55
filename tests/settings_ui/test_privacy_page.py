"""The privacy page: consent mode, retention, and one customer's export and deletion."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Event, Job, Order, Profile, Shop
from app.runner import run_pending
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event


def _customer(db_session, shop, customer_id: str, visitor: str):
    ingest_batch(db_session, shop.id, [event(visitor_id=visitor), signed_event(shop, "identify", visitor, customer_id)],
                 sent_at=None, received_at=utcnow(), identities=signatures(shop))
    profile = db_session.scalar(select(Profile).where(Profile.shop_id == shop.id, Profile.customer_id == customer_id))
    store_new_orders(db_session, shop.id, [OrderData(f"O-{customer_id}", utcnow() - timedelta(days=3), customer_id, profile.id,
                                                     lines=[OrderLineData("P1", 1, Decimal(9))])], "import")
    db_session.commit()


def test_consent_mode_and_retention_are_saved_and_served_to_the_script(signed_in, db_session, client):
    response = signed_in.post("/settings/privacy/settings", {"consent_mode": "required", "retention_days": "90"})
    assert response.status_code == 302
    db_session.expire_all()
    settings = db_session.get(Shop, signed_in.shop.id).settings
    assert settings["consent_required"] is True and settings["retention_days"] == 90
    script = client.get(f"/s/{signed_in.shop.public_key}.js").get_data(as_text=True)
    assert '"required":true' in script.replace(" ", "")


def test_bad_retention_is_refused_with_a_message_and_nothing_changes(signed_in, db_session):
    response = signed_in.post("/settings/privacy/settings", {"consent_mode": "required", "retention_days": "2"})
    assert response.status_code == 400 and "greater than or equal to 7" in response.get_data(as_text=True)
    db_session.expire_all()
    assert "retention_days" not in (db_session.get(Shop, signed_in.shop.id).settings or {})


def test_saving_a_retention_period_deletes_older_events(signed_in, db_session):
    old = utcnow() - timedelta(days=200)
    ingest_batch(db_session, signed_in.shop.id, [event(visitor_id="v-old", ts=old.isoformat()), event(visitor_id="v-new")],
                 sent_at=None, received_at=utcnow())
    db_session.commit()
    for row in db_session.scalars(select(Event).where(Event.visitor_id == "v-old")):
        row.occurred_at = old
    db_session.commit()
    signed_in.post("/settings/privacy/settings", {"consent_mode": "opt_out", "retention_days": "30"})
    run_pending()
    assert db_session.scalars(select(Event.visitor_id)).all() == ["v-new"]


def test_one_customers_data_is_exported_then_deleted_and_no_one_elses(signed_in, db_session, make_shop):
    _customer(db_session, signed_in.shop, "C1", "v-c1")
    _customer(db_session, signed_in.shop, "C2", "v-c2")
    other, _ = make_shop("Other")
    _customer(db_session, other, "C1", "v-other")

    export = signed_in.post("/settings/privacy/export", {"customer_id": "C1"})
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    data = json.loads(export.get_data(as_text=True))
    text = json.dumps(data)
    assert "O-C1" in text and "v-c1" in text and "v-c2" not in text and "v-other" not in text

    assert signed_in.post("/settings/privacy/delete", {"customer_id": "C1"}).status_code == 302
    mine = lambda model: db_session.scalar(select(func.count()).select_from(model).where(model.shop_id == signed_in.shop.id))  # noqa: E731
    assert db_session.scalar(select(Profile).where(Profile.shop_id == signed_in.shop.id, Profile.customer_id == "C1")) is None
    assert mine(Order) == 1 and db_session.scalar(select(Order.external_id).where(Order.shop_id == signed_in.shop.id)) == "O-C2"
    assert db_session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == other.id)) == 1


def test_a_request_without_id_or_email_is_refused(signed_in):
    response = signed_in.post("/settings/privacy/export", {"customer_id": " ", "email": ""})
    assert response.status_code == 400 and "Give the customer&#39;s id or their email address." in response.get_data(as_text=True)


def test_shopify_data_requests_are_listed_with_their_export_for_this_shop_only(signed_in, db_session, make_shop):
    from app.jobs import enqueue

    other, _ = make_shop("Other")
    for shop, customer in ((signed_in.shop, "C7"), (other, "C9")):
        job = enqueue(db_session, "shopify_webhook", {}, shop_id=shop.id)
        job.status = "done"
        job.progress = {"topic": "customers/data_request",
                        "export": {"requested": {"customer_id": customer, "email": None}, "orders": [{"external_id": f"O-{customer}"}]}}
    db_session.commit()
    page = signed_in.get("/settings/privacy").get_data(as_text=True)
    assert "Data requests from Shopify" in page and "<td>C7</td>" in page and "C9" not in page
    assert "<title>Privacy · p13n</title>" in page
    mine, theirs = db_session.scalars(select(Job.id).order_by(Job.id)).all()
    download = signed_in.get(f"/settings/privacy/data-requests/{mine}.json")
    assert download.status_code == 200 and json.loads(download.get_data())["orders"] == [{"external_id": "O-C7"}]
    assert signed_in.get(f"/settings/privacy/data-requests/{theirs}.json").status_code == 404


@pytest.mark.parametrize("customer_id", ["C1\r\nSet-Cookie: evil=1", "C1\u2028x", "C1\u00e9\"; filename=evil.exe", "../../etc/passwd", "\x1b[31m\x7f"])
def test_the_export_file_name_is_a_safe_header_whatever_the_customer_id(signed_in, customer_id):
    export = signed_in.post("/settings/privacy/export", {"customer_id": customer_id})
    assert export.status_code == 200
    disposition = export.headers["Content-Disposition"]
    disposition.encode("ascii")  # an HTTP server must be able to send it as is
    assert "\r" not in disposition and "\n" not in disposition
    assert not any("evil" in cookie for cookie in export.headers.getlist("Set-Cookie"))
    assert re.fullmatch(r'attachment; filename="customer-[A-Za-z0-9._-]+\.json"', disposition), disposition
    assert ".." not in disposition
