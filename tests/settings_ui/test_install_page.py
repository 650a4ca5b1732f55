"""The install page: the script tag to copy and the live "tag seen" check."""
from __future__ import annotations

from sqlalchemy import func, select

from app.clock import utcnow
from app.identity_secrets import sign
from app.ingest.events import ingest_batch
from app.models import Profile, Shop, VisitorId
from tests.helpers.events import event
from tests.helpers.identity import identity_secret


def test_the_page_shows_this_shops_script_tag(signed_in):
    html = signed_in.get("/settings/install").get_data(as_text=True)
    assert f'&lt;script async src=&#34;http://localhost/s/{signed_in.shop.public_key}.js&#34;&gt;&lt;/script&gt;' in html
    assert "not connected to Shopify" in html


def test_the_tag_is_seen_once_the_first_event_arrives(signed_in, db_session, make_shop):
    assert signed_in.get("/settings/install/status").get_json() == {"seen": False, "first_event_at": None, "last_event_at": None, "events": 0}
    other, _ = make_shop("Other")
    ingest_batch(db_session, other.id, [event(visitor_id="elsewhere")], sent_at=None, received_at=utcnow())
    db_session.commit()
    assert signed_in.get("/settings/install/status").get_json()["seen"] is False, "another shop's traffic does not count"
    ingest_batch(db_session, signed_in.shop.id, [event(visitor_id="v-1"), event("product_view", "v-1", product_id="P1")],
                 sent_at=None, received_at=utcnow())
    db_session.commit()
    status = signed_in.get("/settings/install/status").get_json()
    assert status["seen"] is True and status["events"] == 2 and status["first_event_at"]


def test_the_identity_secret_is_shown_and_rotates_with_a_grace_period(signed_in, db_session, client):
    shop = signed_in.shop
    old = identity_secret(shop)
    page = signed_in.get("/settings/install").get_data(as_text=True)
    assert old in page and "data-p13n-customer-sig" in page

    response = signed_in.post("/settings/install/identity-secret")
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/install#identity-secret")
    db_session.expire_all()
    new = identity_secret(db_session.get(Shop, shop.id))
    assert new != old
    page = signed_in.get("/settings/install").get_data(as_text=True)
    assert new in page and old not in page and "New identity secret issued" in page and "previous secret is still accepted until" in page
    # Both sign for now: pages cached with the old signature keep working.
    for secret in (old, new):
        body = {"key": shop.public_key, "events": [event("identify", f"v-{secret[-4:]}", customer_id="C1", customer_sig=sign(secret, "C1"))]}
        assert client.post("/v1/events", json=body).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(VisitorId).join(Profile).where(Profile.customer_id == "C1")) == 2


def test_rotating_needs_the_csrf_token(signed_in, db_session):
    old = identity_secret(signed_in.shop)
    assert signed_in.client.post("/settings/install/identity-secret").status_code == 400
    db_session.expire_all()
    assert identity_secret(db_session.get(Shop, signed_in.shop.id)) == old
