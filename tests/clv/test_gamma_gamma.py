"""Gamma-Gamma: gradient, shrinkage of a customer's mean towards the shop's, and when it cannot be fitted."""
import numpy as np
import pytest
from scipy.optimize import approx_fprime

from app.clv import gamma_gamma
from app.clv.fitting import FitError, compress

PAPER = gamma_gamma.GammaGamma(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=946)


def test_the_gradient_is_the_likelihoods():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 10, 200).astype(float)
    m = rng.gamma(3, 10, 200)
    (x, m), weights = compress(x, m)
    for point in (np.log([6.0, 3.7, 15.0]), np.log([0.5, 1.5, 200.0])):
        analytic = gamma_gamma._negative_ll_and_gradient(point, x, m, weights)[1]
        numeric = approx_fprime(point, lambda p: gamma_gamma._negative_ll_and_gradient(p, x, m, weights)[0], 1e-7)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)


def test_expected_spend_shrinks_a_customers_mean_towards_the_population_mean():
    population = PAPER.population_mean_spend
    assert population == pytest.approx(6.25 * 15.44 / 2.74)
    few, many = gamma_gamma.expected_average_spend(PAPER, [1, 20], [100.0, 100.0])
    assert population < few < many < 100.0
    assert gamma_gamma.expected_average_spend(PAPER, [0], [0.0])[0] == pytest.approx(population)


def test_on_simulated_customers_the_fit_knows_their_spend_better_than_their_own_mean():
    rng = np.random.default_rng(5)
    nu = rng.gamma(4.0, 1 / 15.0, 3000)  # q = 4, gamma = 15
    x = rng.integers(1, 8, 3000)
    means = np.array([rng.gamma(6.0, 1 / n, k).mean() for n, k in zip(nu, x)])  # p = 6
    model = gamma_gamma.fit(x, means)
    assert model.population_mean_spend == pytest.approx(6.0 * 15.0 / 3.0, rel=0.1)
    truth = 6.0 / nu  # each customer's true mean spend
    fitted = gamma_gamma.expected_average_spend(model, x, means)
    assert np.mean(np.abs(fitted - truth)) < 0.95 * np.mean(np.abs(means - truth))


def test_spend_without_variation_cannot_be_fitted():
    with pytest.raises(FitError, match="varies too little"):
        gamma_gamma.fit([1, 2, 3, 0], [20.0, 20.0, 20.0, 0.0])
    with pytest.raises(FitError):
        gamma_gamma.fit([0, 0], [0.0, 0.0])
