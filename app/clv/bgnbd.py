"""The BG/NBD model of repeat buying (Fader, Hardie & Lee, "Counting Your Customers the Easy Way", 2005).

While active, a customer buys at rate lambda ~ Gamma(r, alpha); after each
transaction they drop out for good with probability p ~ Beta(a, b). Fitted by
maximum likelihood on (x, t_x, T), see ``app.clv.rfm``.

The likelihood is the paper's closed form (no 2F1), in logs so that
customers with many transactions do not overflow:

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
         + ln( (alpha+T)^-(r+x)  +  [x > 0] a/(b+x-1) (alpha+t_x)^-(r+x) )

(the Beta ratio summed term by term, see ``_log_beta_ratio``).

The fit works on log-parameters (all four are positive) with L-BFGS-B and the
analytic gradient, on unique (x, t_x, T) rows weighted by their count, so a
shop with a million customers costs no more than its distinct histories.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1

from app.clv.fitting import LOG_BOUNDS, FitError, at_bound, compress, require_finite

QUADRATURE_POINTS = 128


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    unit: str = "weeks"

    def as_dict(self) -> dict:
        return asdict(self)


def log_likelihood(params: tuple[float, float, float, float], x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + _log_beta_ratio(a, b, x)[0]
    alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    dropped[repeat] = (np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    return head + np.logaddexp(alive, dropped)


def _negative_ll_and_gradient(log_params, x, t_x, T, weights):
    r, alpha, a, b = np.exp(log_params)
    repeat = x > 0
    alive = -(r + x) * np.log(alpha + T)
    dropped = np.full_like(x, -np.inf)
    b_x1 = np.where(repeat, b + x - 1, 1.0)
    dropped[repeat] = (np.log(a) - np.log(b_x1[repeat]) - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    tail = np.logaddexp(alive, dropped)
    log_ratio, ratio_d_a, ratio_d_b = _log_beta_ratio(a, b, x)
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + log_ratio + tail
    w_alive, w_dropped = np.exp(alive - tail), np.exp(dropped - tail)  # shares of the two terms, sum to 1
    d_r = (digamma(r + x) - digamma(r) + np.log(alpha)
           - w_alive * np.log(alpha + T) - w_dropped * np.log(alpha + t_x))
    d_alpha = r / alpha - w_alive * (r + x) / (alpha + T) - w_dropped * (r + x) / (alpha + t_x)
    d_a = ratio_d_a + w_dropped / a
    d_b = ratio_d_b - w_dropped / b_x1
    total = weights.sum()
    value = -(weights @ ll) / total
    # Chain rule for theta = exp(log theta): d/d(log theta) = theta * d/d theta.
    gradient = -np.array([r * (weights @ d_r), alpha * (weights @ d_alpha), a * (weights @ d_a), b * (weights @ d_b)]) / total
    return value, gradient


def _log_beta_ratio(a: float, b: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ln B(a, b+x) - ln B(a, b) and its derivatives in a and b, for whole x.

    As the sum over k < x of ln((b+k)/(a+b+k)): exact and stable where the
    ln G (or ln B) differences cancel to noise, i.e. when b is in the
    thousands or more, as when hardly anyone drops out.
    """
    counts = x.astype(int)
    k = np.arange(int(counts.max(initial=0)), dtype=float)
    cumulative = [np.concatenate(([0.0], np.cumsum(terms))) for terms in (
        np.log1p(-a / (a + b + k)), -1.0 / (a + b + k), a / ((b + k) * (a + b + k)))]
    return tuple(values[counts] for values in cumulative)


def fit(x, t_x, T, unit: str = "weeks") -> BGNBD:
    """Maximum-likelihood fit; raises ``FitError`` when the data cannot identify the model."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    require_finite(x=x, t_x=t_x, T=T)
    if len(x) == 0 or not np.any(x > 0):
        raise FitError("no repeat transactions to learn the buying rate from")
    if np.any((x < 0) | (x != np.round(x)) | (t_x < 0) | (t_x > T + 1e-9)):
        raise FitError("need whole x >= 0 and 0 <= t_x <= T for every customer")
    (x, t_x, T), weights = compress(x, t_x, T)
    rate = weights @ x / max(weights @ T, 1e-9)
    start = np.log([1.0, 1.0 / max(rate, 1e-9), 1.0, 1.0])
    start = np.clip(start, LOG_BOUNDS[0] + 1, LOG_BOUNDS[1] - 1)
    result = minimize(_negative_ll_and_gradient, start, args=(x, t_x, T, weights), jac=True, method="L-BFGS-B",
                      bounds=[LOG_BOUNDS] * 4, options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise FitError(f"the BG/NBD fit did not converge ({result.message})")
    # a -> 0 or b -> infinity is a real answer: nobody measurably drops out
    # (BG/NBD becomes the NBD model), and the predictions stay right. A rate
    # distribution (r, alpha) at a bound is not: the data cannot identify it.
    if at_bound(result.x[:2]):
        raise FitError("the BG/NBD fit ran to a parameter bound (too little or too regular repeat buying to identify it)")
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return BGNBD(r, alpha, a, b, float(-result.fun * weights.sum()), unit)


def p_alive(model: BGNBD, x, t_x, T) -> np.ndarray:
    """P(still active at T | x, t_x, T). One-time buyers get 1: the model only lets customers drop out after a purchase."""
    return np.exp(-np.logaddexp(0.0, _log_dropout_odds(model, x, t_x, T)))


def _log_dropout_odds(model: BGNBD, x, t_x, T) -> np.ndarray:
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    odds = np.full(np.broadcast(x, t_x, T).shape, -np.inf)
    repeat = np.broadcast_to(x > 0, odds.shape)
    x_, t_x_, T_ = (np.broadcast_to(v, odds.shape)[repeat] for v in (x, t_x, T))
    odds[repeat] = (np.log(model.a) - np.log(model.b + x_ - 1)
                    + (model.r + x_) * (np.log(model.alpha + T_) - np.log(model.alpha + t_x_)))
    return odds


def expected_transactions(model: BGNBD, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected transactions in the next ``t`` after T (the paper's eq. 10).

    With the defaults (x = t_x = T = 0) this is E[X(t)], a new customer's
    expected repeat transactions in their first ``t`` (the paper's eq. 7).

    The 2F1 term is written with Pfaff's transformation,
    ``(1-z)^(r+x) 2F1(r+x, b+x; c; z) = 2F1(r+x, a-1; c; -t/(alpha+T))`` with
    ``c = a+b+x-1``, so no huge 2F1 is multiplied by a tiny power. Where
    scipy's hyp2f1 still returns something non-finite or impossible (0 <= E
    <= E[lambda] t must hold), or a is too close to 1 for the closed form,
    the same expectation is integrated over the dropout probability instead
    (``_expected_by_quadrature``).
    """
    t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, t_x, T)))
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    c = a + b + x - 1
    with np.errstate(all="ignore"):
        bracket = 1.0 - hyp2f1(r + x, a - 1.0, c, -t / (alpha + T))
        given_alive = c / (a - 1.0) * bracket
    ceiling = (r + x) / (alpha + T) * t * (1 + 1e-9) + 1e-12
    bad = ~np.isfinite(given_alive) | (given_alive < -1e-12) | (given_alive > ceiling) | (abs(a - 1.0) < 1e-6)
    if np.any(bad):
        given_alive = np.array(given_alive, dtype=float)
        given_alive[bad] = _expected_by_quadrature(model, t[bad], x[bad], T[bad])
    expected = np.clip(given_alive, 0.0, None) * p_alive(model, x, t_x, T)
    return np.where(t > 0, expected, 0.0)


def _expected_by_quadrature(model: BGNBD, t, x, T) -> np.ndarray:
    """E[Y(t) | alive at T] without 2F1.

    Given alive, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x)
    independently, and E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p, so
    E = E_p[(1 - (1 + p t/(alpha+T))^-(r+x)) / p]: a smooth integrand
    against a Beta distribution, integrated by Gauss-Jacobi quadrature.
    """
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    out = np.empty(len(t))
    for x_value in np.unique(x):
        rows = x == x_value
        p, weights = beta_quadrature(a, b + x_value, QUADRATURE_POINTS)
        integrand = -np.expm1(-(r + x_value) * np.log1p(np.outer(t[rows] / (alpha + T[rows]), p))) / p
        out[rows] = integrand @ weights
    return out


def beta_quadrature(a: float, b: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes in (0, 1) and weights summing to 1 such that sum(w f(p)) ~ E[f(p)], p ~ Beta(a, b).

    Golub-Welsch on the Jacobi polynomials' recurrence for the weight
    (1-u)^(b-1) (1+u)^(a-1) on [-1, 1], with the weights normalised to a
    probability distribution: scipy's roots_jacobi scales them by
    2^(a+b-1) B(a, b), which overflows once a customer has ~1,000 repeat
    transactions.
    """
    al, be = b - 1.0, a - 1.0
    k = np.arange(1, n, dtype=float)
    s = 2 * k + al + be
    diagonal = np.empty(n)
    diagonal[0] = (be - al) / (al + be + 2)
    diagonal[1:] = (be * be - al * al) / (s * (s + 2))
    off = np.empty(n - 1)
    off[0] = 4 * (1 + al) * (1 + be) / ((2 + al + be) ** 2 * (3 + al + be))  # (1+al+be) cancelled: it may be <= 0
    m, s = k[1:], s[1:]
    off[1:] = 4 * m * (m + al) * (m + be) * (m + al + be) / (s * s * (s + 1) * (s - 1))
    nodes, vectors = eigh_tridiagonal(diagonal, np.sqrt(off))
    return (1.0 + nodes) / 2.0, vectors[0] ** 2
