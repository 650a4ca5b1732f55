"""The install page: the script tag to copy and the live "tag seen" check."""
from __future__ import annotations

from app.clock import utcnow
from app.ingest.events import ingest_batch
from tests.helpers.events import event


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
