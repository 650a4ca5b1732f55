"""Paired bootstrap intervals over users."""
import numpy as np
import pytest

from app.recommender.offline import bootstrap


def test_a_model_twice_as_good_on_every_user_has_a_ratio_of_two_with_a_tight_interval():
    rng = np.random.default_rng(0)
    base = rng.random(300)
    result = bootstrap.paired({"served": {"p": 2 * base}, "baseline": {"p": base}}, "served", ("p",), resamples=500)
    ratio = result["ratios"]["baseline"]["p"]
    assert ratio["ratio"] == pytest.approx(2.0) and ratio["low"] == pytest.approx(2.0) and ratio["high"] == pytest.approx(2.0)
    mean = result["models"]["baseline"]["p"]
    assert mean["low"] < mean["mean"] < mean["high"] and result["users"] == 300 and "served" not in result["ratios"]


def test_pairing_makes_a_ratio_precise_when_users_vary_a_lot():
    rng = np.random.default_rng(1)
    users = rng.exponential(size=400)
    a, b = users * 1.1 + rng.normal(0, 0.01, 400), users
    paired = bootstrap.paired({"a": {"p": a}, "b": {"p": b}}, "a", ("p",), resamples=500)["ratios"]["b"]["p"]
    assert 1.05 < paired["low"] < 1.1 < paired["high"] < 1.15


def test_models_on_different_users_are_refused_and_a_zero_baseline_has_no_interval():
    with pytest.raises(ValueError):
        bootstrap.paired({"a": {"p": np.ones(3)}, "b": {"p": np.ones(4)}}, "a", ("p",))
    zero = bootstrap.paired({"a": {"p": np.ones(5)}, "b": {"p": np.zeros(5)}}, "a", ("p",), resamples=100)
    assert zero["ratios"]["b"]["p"] == {"ratio": None, "low": None, "high": None}
