"""POST /v1/leads keeps one lead per shop and address; the latest answer sets the consent, every answer is logged."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Lead, LeadConsent


def test_a_second_answer_updates_the_same_lead_and_the_latest_consent_wins(shop, post_lead, db_session):
    shop, _ = shop
    assert post_lead(shop, "Ann@Example.com", True, visitor_id="v1").get_json() == {"ok": True, "consent": True}
    first = db_session.scalars(select(Lead)).one()
    first_consent_at, created_at = first.consent_at, first.created_at
    assert post_lead(shop, "ANN@example.COM", False, visitor_id="v2").get_json() == {"ok": True, "consent": False}
    db_session.expire_all()
    lead = db_session.scalars(select(Lead)).one()
    assert (lead.email, lead.consent, lead.visitor_id, lead.created_at) == ("ann@example.com", False, "v2", created_at)
    assert lead.consent_at > first_consent_at
    answers = db_session.scalars(select(LeadConsent).order_by(LeadConsent.id)).all()
    assert [(answer.lead_id, answer.consent, answer.visitor_id, answer.source) for answer in answers] == [
        (lead.id, True, "v1", "popup"), (lead.id, False, "v2", "popup")]


def test_the_same_address_in_two_shops_is_two_leads(shop, make_shop, post_lead, db_session):
    shop, _ = shop
    other, _ = make_shop("Other", settings={"holdout_percent": 0})
    post_lead(shop, "ann@example.com", True)
    post_lead(other, "ann@example.com", False)
    leads = db_session.scalars(select(Lead).order_by(Lead.shop_id)).all()
    assert [(lead.shop_id, lead.consent) for lead in leads] == [(shop.id, True), (other.id, False)]
