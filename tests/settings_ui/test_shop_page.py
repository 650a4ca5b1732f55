"""Shop settings page: the holdout with its explanation and estimate, and the free-shipping threshold."""
from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from tests.helpers.traffic import visits_and_buyers


def test_the_page_explains_the_holdout_and_estimates_from_the_shops_traffic(signed_in, db_session):
    visits_and_buyers(db_session, signed_in.shop, visitors=560, buyers=28, days=28, now=utcnow() - timedelta(minutes=5))
    html = signed_in.get("/settings/shop").get_data(as_text=True)
    assert "sees your store exactly as it is" in html and "The trade-off" in html
    assert "20 visitors a day" in html and "5.0%" in html
    assert 'name="holdout_percent" value="5"' in html


def test_a_shop_without_traffic_is_told_so_rather_than_given_a_number(signed_in):
    html = signed_in.get("/settings/shop").get_data(as_text=True)
    assert "No visits in the last 28 days yet" in html


def test_saving_changes_only_what_the_form_sends(signed_in, db_session):
    response = signed_in.post("/settings/shop", {"holdout_percent": "12.5"})
    assert response.status_code == 302
    db_session.refresh(signed_in.shop)
    assert signed_in.shop.settings["holdout_percent"] == 12.5 and "free_shipping_threshold" not in signed_in.shop.settings
    assert signed_in.post("/settings/shop", {"free_shipping_threshold": "49.90"}).status_code == 302
    db_session.refresh(signed_in.shop)
    assert signed_in.shop.settings["free_shipping_threshold"] == 49.9 and signed_in.shop.settings["holdout_percent"] == 12.5
    bad = signed_in.post("/settings/shop", {"holdout_percent": "75"})
    assert bad.status_code == 400 and 'id="holdout_percent-error"' in bad.get_data(as_text=True)
