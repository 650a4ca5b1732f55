"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005; Hardie's 2013 note).

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma)
across customers, so a customer's mean spend E(M) = p/nu varies with mean
p gamma / (q - 1). Fitted by maximum likelihood on the customers with at
least one repeat transaction, from x (repeat transactions) and m_x (their
mean value):

    ln L = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln m_x
         + px ln x - (px+q) ln(gamma + x m_x)

The model assumes spend is independent of how often a customer buys; the
fit reports the correlation between x and m_x so a reader can check that.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from app.clv.fitting import LOG_BOUNDS, FitError, at_bound, compress, require_finite


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    frequency_spend_correlation: float | None = None

    @property
    def population_mean_spend(self) -> float:
        """E[M] of a customer we know nothing about (needs q > 1, which ``fit`` checks)."""
        return self.p * self.gamma / (self.q - 1.0)

    def as_dict(self) -> dict:
        return asdict(self)


def _negative_ll_and_gradient(log_params, x, m, weights):
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_pool = np.log(gamma + x * m)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * np.log(m)
          + px * np.log(x) - (px + q) * log_pool)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_pool)
    d_q = digamma(px + q) - digamma(q) + np.log(gamma) - log_pool
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    total = weights.sum()
    gradient = -np.array([p * (weights @ d_p), q * (weights @ d_q), gamma * (weights @ d_gamma)]) / total
    return -(weights @ ll) / total, gradient


def fit(frequency, monetary_value) -> GammaGamma:
    """Fit on the customers with x >= 1 and a positive mean spend (the others carry no spend information)."""
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
    require_finite(frequency=x, monetary_value=m)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 2 or np.ptp(m) == 0:
        raise FitError("spend varies too little between repeat customers to fit the Gamma-Gamma model")
    correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 else None
    (xs, ms), weights = compress(x, m)
    start = np.log([1.0, 2.0, float(np.mean(m))])
    result = minimize(_negative_ll_and_gradient, start, args=(xs, ms, weights), jac=True, method="L-BFGS-B",
                      bounds=[LOG_BOUNDS] * 3, options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun) or at_bound(result.x):
        raise FitError("the Gamma-Gamma fit found no interior optimum (spend too regular or too few repeat customers)")
    p, q, gamma = (float(v) for v in np.exp(result.x))
    if q <= 1.0:
        raise FitError(f"the Gamma-Gamma fit gave q = {q:.3g} <= 1: mean spend has no finite expectation")
    return GammaGamma(p, q, gamma, float(-result.fun * weights.sum()), len(x), correlation)


def expected_average_spend(model: GammaGamma, frequency, monetary_value) -> np.ndarray:
    """E[M | x, m_x]: a weighted mean of the population mean and the customer's own repeat mean.

    Customers without a repeat transaction (x = 0) get the population mean.
    """
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
    p, q = model.p, model.q
    weight_own = p * x / (p * x + q - 1.0)
    return (1.0 - weight_own) * model.population_mean_spend + weight_own * np.where(x > 0, m, 0.0)
