"""A shopper's access and erasure requests cover their lead's consent record and leave the code spent."""
from __future__ import annotations

from sqlalchemy import func, select

from app.models import DiscountCode, LeadConsent
from app.privacy import delete_customer, export_customer
from app.resources import discount_codes
from tests.helpers.rules import make_rule


def test_the_consent_record_is_exported_and_deleted_with_the_lead(shop, post_lead, db_session):
    shop, _ = shop
    discount_codes.upload(db_session, shop.id, {"pool": "p", "codes": ["AAA111", "BBB222"]})
    db_session.commit()
    rule = make_rule(db_session, shop, "popup", content={"headline": "Hi", "email_capture": True,
                                                         "unique_code": {"source": "pool", "pool": "p"}})
    post_lead(shop, "ann@example.com", True, rule_id=rule.id)
    post_lead(shop, "ann@example.com", False, rule_id=rule.id)
    (lead,) = export_customer(db_session, shop.id, email="ann@example.com")["leads"]
    assert lead["discount_code"] == "AAA111" and [answer["consent"] for answer in lead["consents"]] == [True, False]
    assert delete_customer(db_session, shop.id, email="ann@example.com")["leads"] == 1
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(LeadConsent)) == 0
    spent = db_session.scalars(select(DiscountCode).where(DiscountCode.code == "AAA111")).one()
    assert spent.lead_id is None and spent.assigned_at is not None  # never given to anyone else
    assert post_lead(shop, "bob@example.com", True, rule_id=rule.id).get_json()["discount_code"] == "BBB222"
