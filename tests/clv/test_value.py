"""Predicted CLV: discounted expected revenue over the horizon."""
import numpy as np
import pytest

from app.clv import bgnbd
from app.clv.value import MONTH_DAYS, expected_discounted_revenue

MODEL = bgnbd.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, unit="weeks")
X, T_X, T = np.array([0.0, 2.0, 8.0]), np.array([0.0, 30.43, 38.0]), np.array([38.86] * 3)


def test_without_discounting_it_is_spend_times_expected_transactions():
    spend = np.array([20.0, 35.0, 50.0])
    plain = expected_discounted_revenue(MODEL, X, T_X, T, spend, horizon_months=12, monthly_discount_rate=0.0)
    transactions = bgnbd.expected_transactions(MODEL, 12 * MONTH_DAYS / 7, X, T_X, T)
    np.testing.assert_allclose(plain, spend * transactions)


def test_discounting_lowers_value_and_a_longer_horizon_raises_it():
    spend = np.array([20.0, 35.0, 50.0])
    plain = expected_discounted_revenue(MODEL, X, T_X, T, spend, monthly_discount_rate=0.0)
    discounted = expected_discounted_revenue(MODEL, X, T_X, T, spend)
    longer = expected_discounted_revenue(MODEL, X, T_X, T, spend, horizon_months=24)
    assert np.all(discounted < plain) and np.all(discounted > plain / 1.01 ** 12) and np.all(longer > discounted)
    days_model = bgnbd.BGNBD(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426, log_likelihood=0.0, unit="days")
    np.testing.assert_allclose(expected_discounted_revenue(days_model, X, T_X * 7, T * 7, spend), discounted, rtol=1e-9)


def test_nonsense_horizons_and_rates_are_refused():
    with pytest.raises(ValueError, match="horizon"):
        expected_discounted_revenue(MODEL, X, T_X, T, 1.0, horizon_months=0)
    with pytest.raises(ValueError, match="discount"):
        expected_discounted_revenue(MODEL, X, T_X, T, 1.0, monthly_discount_rate=-0.1)
