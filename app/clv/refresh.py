"""A shop's lifetime-value refit: its stored orders in, CLV traits on its profiles and a ``clv_fits`` row out.

Time is measured in days here (one transaction per customer and UTC
calendar day), and the calibration period is the whole history up to ``now``.
A shop with too few repeat customers gets no prediction, never an exception:
the ``clv_fits`` row says why, and every CLV trait of the shop is NULL
("unknown"), so a prediction from a model the shop no longer has cannot linger.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.clv import bgnbd, gamma_gamma
from app.clv.fitting import FitError
from app.clv.rfm import daily_transactions, historical_values, rfm_summary
from app.clv.value import (
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_MONTHLY_DISCOUNT_RATE,
    expected_discounted_revenue,
)
from app.models import ClvFit, Order, Profile

log = logging.getLogger(__name__)

# Below these the fitted parameters are noise: a merchant is better served by "unknown".
MIN_CUSTOMERS = 30
MIN_REPEAT_CUSTOMERS = 10
MIN_SPEND_CUSTOMERS = 10  # repeat customers with a positive mean spend, for Gamma-Gamma
EXPECTED_ORDERS_DAYS = 90
KEEP_FITS = 20
CLV_COLUMNS = ("predicted_clv", "p_alive", "expected_orders_90d", "clv_percentile")


def refresh_shop_clv(
    session: Session, shop_id: int, now: datetime | None = None, horizon_months: int = DEFAULT_HORIZON_MONTHS,
    monthly_discount_rate: float = DEFAULT_MONTHLY_DISCOUNT_RATE,
) -> ClvFit:
    """Refit and store; returns the new ``clv_fits`` row. Flushes, the caller commits."""
    now = now or utcnow()
    started = time.perf_counter()
    orders = [
        (profile_id, placed_at, float(total or 0))
        for profile_id, placed_at, total in session.execute(
            select(Order.profile_id, Order.placed_at, Order.total).where(
                Order.shop_id == shop_id, Order.profile_id.is_not(None), Order.placed_at <= now
            )
        )
    ]
    summary = rfm_summary(daily_transactions(orders), now, unit="days")
    history = historical_values(orders)
    fit = ClvFit(shop_id=shop_id, fitted_at=now, customers=len(summary), repeat_customers=int(np.sum(summary.frequency > 0)),
                 horizon_months=horizon_months, monthly_discount_rate=monthly_discount_rate)
    predictions: dict[int, dict] = {}
    try:
        predictions = _predict(fit, summary, history, horizon_months, monthly_discount_rate)
    except FitError as error:
        fit.status, fit.reason = "not_enough_data", str(error)
    except (ArithmeticError, ValueError, np.linalg.LinAlgError) as error:  # numerics of an odd shop must not stop the caller
        log.warning("CLV fit of shop %s failed: %s", shop_id, error)
        fit.status, fit.reason = "failed", f"{error.__class__.__name__}: {error}"
    _store(session, shop_id, now, predictions, history)
    fit.seconds = round(time.perf_counter() - started, 3)
    session.add(fit)
    session.flush()
    _prune(session, shop_id)
    return fit


def _predict(fit: ClvFit, summary, history, horizon_months: int, monthly_discount_rate: float) -> dict[int, dict]:
    if fit.customers < MIN_CUSTOMERS or fit.repeat_customers < MIN_REPEAT_CUSTOMERS:
        raise FitError(
            f"{fit.customers} customers, {fit.repeat_customers} of them with a repeat order: predicting lifetime value needs "
            f"at least {MIN_CUSTOMERS} customers and {MIN_REPEAT_CUSTOMERS} repeat customers"
        )
    x, t_x, T = summary.frequency, summary.recency, summary.age
    model = bgnbd.fit(x, t_x, T, unit="days")
    fit.bgnbd = {"r": model.r, "alpha": model.alpha, "a": model.a, "b": model.b,
                 "log_likelihood": model.log_likelihood, "unit": "days"}
    average_order_value = np.array([history[customer].average_order_value for customer in summary.customer_ids])
    spend_customers = int(np.sum((x > 0) & (summary.monetary_value > 0)))
    try:
        if spend_customers < MIN_SPEND_CUSTOMERS:
            raise FitError(f"only {spend_customers} repeat customers with a positive spend (needs {MIN_SPEND_CUSTOMERS})")
        spend_model = gamma_gamma.fit(x, summary.monetary_value)
        spend = gamma_gamma.expected_average_spend(spend_model, x, summary.monetary_value)
        fit.gamma_gamma = {"p": spend_model.p, "q": spend_model.q, "gamma": spend_model.gamma,
                           "log_likelihood": spend_model.log_likelihood, "customers": spend_model.n_customers,
                           "frequency_spend_correlation": spend_model.frequency_spend_correlation}
        fit.status, fit.reason = "fitted", None
    except FitError as error:
        spend = average_order_value
        fit.status = "partial"
        fit.reason = f"spend per order is each customer's average order value: Gamma-Gamma not fitted ({error})"
    value = expected_discounted_revenue(model, x, t_x, T, spend, horizon_months, monthly_discount_rate)
    alive = bgnbd.p_alive(model, x, t_x, T)
    soon = bgnbd.expected_transactions(model, EXPECTED_ORDERS_DAYS, x, t_x, T)
    percentile = clv_percentiles(value)
    return {
        customer: {"predicted_clv": _money(value[i]), "p_alive": float(alive[i]),
                   "expected_orders_90d": float(soon[i]), "clv_percentile": float(percentile[i])}
        for i, customer in enumerate(summary.customer_ids)
    }


def clv_percentiles(values: np.ndarray) -> np.ndarray:
    """Share (0-100) of the shop's customers with a lower predicted CLV.

    "Top 10%" is then ``clv_percentile >= 90``: exactly the top tenth when
    values differ; customers with equal values share the lower rank.
    """
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return values
    below = np.searchsorted(np.sort(values), values, side="left")
    return 100.0 * below / len(values)


def _money(value: float) -> Decimal:
    return Decimal(str(max(float(value), 0.0))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _store(session: Session, shop_id: int, now: datetime, predictions: dict[int, dict], history: dict) -> None:
    table = Profile.__table__
    rows = [
        {"profile_id": profile_id, "first_order_at": history[profile_id].first_order_at, "clv_updated_at": now,
         **predictions.get(profile_id, dict.fromkeys(CLV_COLUMNS))}
        for profile_id in history
    ]
    if rows:
        session.execute(
            table.update().where(table.c.id == bindparam("profile_id"), table.c.shop_id == shop_id)
            .values(**{column: bindparam(column) for column in ("first_order_at", "clv_updated_at", *CLV_COLUMNS)}),
            rows,
        )
    # Profiles that no longer have orders (an erased customer's, a merge) lose what an older fit said.
    session.execute(
        update(Profile).where(Profile.shop_id == shop_id, Profile.clv_updated_at.is_not(None), Profile.clv_updated_at != now)
        .values(**dict.fromkeys(CLV_COLUMNS), clv_updated_at=None).execution_options(synchronize_session=False)
    )
    for profile in [obj for obj in session.identity_map.values() if isinstance(obj, Profile) and obj.shop_id == shop_id]:
        session.expire(profile, ["first_order_at", "clv_updated_at", *CLV_COLUMNS])


def _prune(session: Session, shop_id: int) -> None:
    keep = select(ClvFit.id).where(ClvFit.shop_id == shop_id).order_by(ClvFit.fitted_at.desc(), ClvFit.id.desc()).limit(KEEP_FITS)
    session.execute(
        delete(ClvFit).where(ClvFit.shop_id == shop_id, ClvFit.id.not_in(keep.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )


def latest_fit(session: Session, shop_id: int) -> ClvFit | None:
    return session.scalar(
        select(ClvFit).where(ClvFit.shop_id == shop_id).order_by(ClvFit.fitted_at.desc(), ClvFit.id.desc()).limit(1)
    )


def refresh_after_training(session: Session, shop_id: int) -> None:
    """Retraining refits lifetime value too; a CLV failure is logged, never a failed training."""
    try:
        refresh_shop_clv(session, shop_id)
        session.commit()
    except Exception:  # noqa: BLE001 - the recommender is published already; CLV must not undo that
        session.rollback()
        log.exception("CLV refresh of shop %s failed after training", shop_id)
