"""BG/NBD: the likelihood's gradient, the conditional expectation's numerics, P(alive), and recovery of known parameters."""
from datetime import date

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from app.clv import bgnbd
from app.clv.fitting import FitError, compress
from app.clv.rfm import daily_transactions, rfm_summary
from tests.clv.simulate import simulate_purchases

PAPER = bgnbd.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4)


def test_the_papers_worked_example():
    # Fader, Hardie & Lee (2005), section 5: x = 2, t_x = 30.43, T = 38.86 weeks -> 1.226 in the next 39 weeks.
    assert float(bgnbd.expected_transactions(PAPER, 39, 2, 30.43, 38.86)) == pytest.approx(1.226, abs=0.0005)


def test_the_gradient_is_the_likelihoods():
    rng = np.random.default_rng(1)
    T = rng.uniform(1, 40, 300)
    t_x = T * rng.uniform(0, 1, 300)
    x = np.where(rng.random(300) < 0.4, 0, rng.integers(1, 12, 300)).astype(float)
    t_x[x == 0] = 0
    (x, t_x, T), weights = compress(x, t_x, T)
    for point in (np.log([0.3, 5.0, 0.8, 2.0]), np.log([2.0, 0.5, 3.0, 0.7]), np.log([1e-3, 40.0, 1e-4, 5e4])):
        analytic = bgnbd._negative_ll_and_gradient(point, x, t_x, T, weights)[1]
        numeric = approx_fprime(point, lambda p: bgnbd._negative_ll_and_gradient(p, x, t_x, T, weights)[0], 1e-7)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("model", [
    PAPER,
    bgnbd.BGNBD(r=2.5, alpha=80.0, a=3.0, b=9.0, log_likelihood=0.0, unit="days"),
    bgnbd.BGNBD(r=0.7, alpha=9.0, a=1e-6, b=2e4, log_likelihood=0.0),  # nobody drops out (Online Retail)
])
def test_hyp2f1_and_the_quadrature_agree_where_both_work(model):
    x = np.array([0, 1, 2, 7, 30, 200, 2000, 0, 3], dtype=float)
    T = np.array([38.9, 38.9, 20.0, 30.0, 38.9, 38.9, 38.9, 0.0, 2.0])
    t_x = np.minimum(T, np.array([0, 5, 19, 29, 30, 38, 38.9, 0, 1]))
    for t in (1.0, 39.0, 365.0):
        horizon = np.full_like(x, t)
        closed = bgnbd.expected_transactions(model, horizon, x, t_x, T)
        integrated = bgnbd._expected_by_quadrature(model, horizon, x, T) * bgnbd.p_alive(model, x, t_x, T)
        np.testing.assert_allclose(closed, integrated, rtol=1e-6)


def test_a_non_finite_hyp2f1_falls_back_to_the_quadrature(monkeypatch):
    expected = bgnbd.expected_transactions(PAPER, 39, [0, 2, 10], [0, 30.43, 35], [38.86] * 3)
    monkeypatch.setattr(bgnbd, "hyp2f1", lambda *args: np.full(np.broadcast(*args).shape, np.nan))
    np.testing.assert_allclose(bgnbd.expected_transactions(PAPER, 39, [0, 2, 10], [0, 30.43, 35], [38.86] * 3), expected, rtol=1e-6)


def test_a_equal_to_one_has_no_closed_form_but_an_answer():
    near = [bgnbd.expected_transactions(bgnbd.BGNBD(0.5, 5.0, a, 2.0, 0.0), 20, 3, 10, 30) for a in (1 - 1e-4, 1.0, 1 + 1e-4)]
    assert np.all(np.isfinite(near)) and near[1] == pytest.approx(near[0], rel=1e-3) and near[1] == pytest.approx(near[2], rel=1e-3)


def test_p_alive_is_one_before_a_repeat_and_falls_with_a_long_silence():
    alive = bgnbd.p_alive(PAPER, [0, 4, 4, 4], [0, 38, 20, 2], [39, 39, 39, 39])
    assert alive[0] == 1.0
    assert 1.0 >= alive[1] > alive[2] > alive[3] > 0.0
    expected = bgnbd.expected_transactions(PAPER, [0, 10, 39], 4, 38, 39)
    assert expected[0] == 0 and 0 < expected[1] < expected[2]


def test_fitting_recovers_the_parameters_it_simulated_from():
    purchases = simulate_purchases(4000, days=540, r=0.6, alpha=60.0, a=0.8, b=2.5, seed=7)
    summary = rfm_summary(daily_transactions(purchases), date(2026, 6, 24), "days")
    model = bgnbd.fit(summary.frequency, summary.recency, summary.age, unit="days")
    assert model.r == pytest.approx(0.6, rel=0.15) and model.alpha == pytest.approx(60.0, rel=0.2)
    assert model.a / (model.a + model.b) == pytest.approx(0.8 / 3.3, rel=0.2), "mean dropout probability"
    assert model.unit == "days"


def test_data_that_cannot_identify_the_model_is_a_fit_error():
    with pytest.raises(FitError, match="no repeat"):
        bgnbd.fit([0, 0, 0], [0, 0, 0], [5, 9, 12])
    with pytest.raises(FitError, match="t_x <= T"):
        bgnbd.fit([1, 2], [10, 3], [5, 9])
    with pytest.raises(FitError, match="missing"):
        bgnbd.fit([1, np.nan], [1, 1], [5, 9])
