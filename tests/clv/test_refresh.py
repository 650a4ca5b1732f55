"""refresh_shop_clv: a shop's stored orders in, CLV traits on its profiles and a clv_fits row out."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clv.refresh import KEEP_FITS, clv_percentiles, latest_fit, refresh_shop_clv
from app.models import ClvFit, Order, Profile
from tests.clv.simulate import simulate_purchases, stock_shop

NOW = datetime(2025, 12, 31, 12, tzinfo=UTC)


def test_a_shop_with_history_gets_predictions_on_every_buyer(db_session, make_shop):
    shop, _ = make_shop()
    profiles = stock_shop(db_session, shop, simulate_purchases(400, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=3))
    browser = Profile(shop_id=shop.id, first_seen_at=NOW, last_seen_at=NOW)
    db_session.add(browser)
    db_session.commit()

    fit = refresh_shop_clv(db_session, shop.id, now=NOW)
    db_session.commit()
    assert fit.status == "fitted" and fit.reason is None
    assert fit.customers == 400 and fit.repeat_customers > 100
    assert set(fit.bgnbd) >= {"r", "alpha", "a", "b", "log_likelihood"} and fit.bgnbd["unit"] == "days"
    assert set(fit.gamma_gamma) >= {"p", "q", "gamma"}
    assert latest_fit(db_session, shop.id).id == fit.id

    buyers = [db_session.get(Profile, profile.id) for profile in profiles.values()]
    assert all(p.predicted_clv is not None and 0 <= p.p_alive <= 1 and p.expected_orders_90d >= 0 for p in buyers)
    assert all(p.clv_updated_at == NOW and p.first_order_at is not None for p in buyers)
    top = [p for p in buyers if p.clv_percentile >= 90]
    assert len(top) == 40, "the top tenth of 400 buyers"
    assert min(p.predicted_clv for p in top) >= max(p.predicted_clv for p in buyers if p.clv_percentile < 90)
    assert db_session.get(Profile, browser.id).predicted_clv is None, "no order, no prediction"
    recent = max(buyers, key=lambda p: (p.order_count, p.last_order_at))
    lapsed = min((p for p in buyers if p.order_count >= 3), key=lambda p: p.last_order_at)
    assert recent.p_alive > lapsed.p_alive


def test_too_few_repeat_customers_is_a_reason_not_an_error(db_session, make_shop):
    shop, _ = make_shop()
    profiles = stock_shop(db_session, shop, simulate_purchases(400, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=3))
    refresh_shop_clv(db_session, shop.id, now=NOW)
    db_session.commit()
    small, _ = make_shop("Small")
    few = stock_shop(db_session, small, [("A", NOW.date() - timedelta(days=40), 20.0), ("A", NOW.date() - timedelta(days=9), 30.0),
                                         ("B", NOW.date() - timedelta(days=3), 15.0)])

    fit = refresh_shop_clv(db_session, small.id, now=NOW)
    db_session.commit()
    assert fit.status == "not_enough_data" and fit.bgnbd is None
    assert "2 customers, 1 of them with a repeat order" in fit.reason
    a = db_session.get(Profile, few["A"].id)
    assert (a.predicted_clv, a.p_alive, a.clv_percentile) == (None, None, None)
    assert a.first_order_at == NOW.replace(hour=10) - timedelta(days=40), "historical figures still kept"
    assert all(db_session.get(Profile, p.id).predicted_clv is not None for p in profiles.values()), "other shops untouched"


def test_predictions_a_shop_can_no_longer_make_are_cleared(db_session, make_shop):
    shop, _ = make_shop()
    profiles = stock_shop(db_session, shop, simulate_purchases(400, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=3))
    refresh_shop_clv(db_session, shop.id, now=NOW)
    db_session.commit()
    later = NOW + timedelta(days=1)
    # Everyone's orders but one customer's are erased (say, privacy requests): nothing left to fit on.
    keep = next(iter(profiles.values())).id
    db_session.query(Order).filter(Order.shop_id == shop.id, Order.profile_id != keep).delete()
    db_session.commit()
    fit = refresh_shop_clv(db_session, shop.id, now=later)
    db_session.commit()
    assert fit.status == "not_enough_data"
    assert db_session.scalar(select(func.count()).select_from(Profile).where(
        Profile.shop_id == shop.id, Profile.predicted_clv.is_not(None))) == 0


def test_spend_falls_back_to_the_average_order_value_when_gamma_gamma_cannot_fit(db_session, make_shop):
    shop, _ = make_shop()
    purchases = [(customer, day, 25.0) for customer, day, _ in
                 simulate_purchases(300, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=4)]
    profiles = stock_shop(db_session, shop, purchases)
    fit = refresh_shop_clv(db_session, shop.id, now=NOW)
    db_session.commit()
    assert fit.status == "partial" and "average order value" in fit.reason and fit.gamma_gamma is None
    assert fit.bgnbd is not None
    buyer = db_session.get(Profile, max(profiles.values(), key=lambda p: p.order_count).id)
    # Every order is 25, so CLV is 25 x discounted expected orders, and a year holds at most 365.25/90 times
    # the orders of 90 days (expected orders grow ever more slowly).
    assert 0 < buyer.predicted_clv <= Decimal(25) * Decimal(str(buyer.expected_orders_90d)) * Decimal("4.06")


def test_fits_are_kept_as_a_short_history(db_session, make_shop):
    shop, _ = make_shop()
    for n in range(KEEP_FITS + 3):
        refresh_shop_clv(db_session, shop.id, now=NOW + timedelta(minutes=n))
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(ClvFit).where(ClvFit.shop_id == shop.id)) == KEEP_FITS
    assert latest_fit(db_session, shop.id).fitted_at == NOW + timedelta(minutes=KEEP_FITS + 2)


def test_percentiles_are_the_share_of_customers_below():
    assert list(clv_percentiles([5.0, 1.0, 3.0, 3.0, 9.0])) == pytest.approx([60.0, 0.0, 20.0, 20.0, 80.0])
    ten = clv_percentiles(list(range(10)))
    assert sum(ten >= 90) == 1 and sum(ten >= 50) == 5
