"""Calibration / holdout checks of the two models, as in the papers.

Fit on the transactions up to the calibration end, then compare with what
the same customers (those whose first transaction falls in the calibration
period) did in the holdout period:

- per customer: predicted (E[Y(t) | x, t_x, T]) against actual holdout
  transactions (mean absolute and root mean squared error, correlation, next
  to two simple baselines), and the means by calibration frequency (the
  BG/NBD paper's Figure 4);
- the cohort: cumulative repeat transactions week by week over both periods,
  predicted (sum of E[X(t)] since each customer's first purchase) against
  actual (the paper's tracking plot, Figure 2, as numbers);
- spend: Gamma-Gamma's expected spend per transaction against the actual
  mean holdout transaction value, for customers with repeat transactions in
  the calibration period and at least one in the holdout; and predicted
  against actual holdout revenue of the whole cohort.
"""
from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta

import numpy as np

from app.clv import bgnbd, gamma_gamma
from app.clv.fitting import FitError
from app.clv.rfm import RFM, day_of, holdout_actuals, rfm_summary, unit_days

FREQUENCY_GROUPS = 7  # x = 0 .. 6 on their own, 7+ together, as in the paper


def evaluate_clv(
    transactions: dict[Hashable, dict[date, float]], calibration_end: date, holdout_end: date, unit: str = "weeks"
) -> dict:
    """Fit both models on the calibration period and check them on the holdout. Raises FitError if BG/NBD cannot be fitted."""
    calibration_end, holdout_end = day_of(calibration_end), day_of(holdout_end)
    if holdout_end <= calibration_end:
        raise ValueError("the holdout must end after the calibration period")
    summary = rfm_summary(transactions, calibration_end, unit)
    if len(summary) == 0:
        raise FitError(f"no customer bought on or before {calibration_end.isoformat()}")
    model = bgnbd.fit(summary.frequency, summary.recency, summary.age, unit)
    try:
        spend_model = gamma_gamma.fit(summary.frequency, summary.monetary_value)
        spend_error = None
    except FitError as error:
        spend_model, spend_error = None, str(error)
    holdout_length = (holdout_end - calibration_end).days / unit_days(unit)
    predicted = bgnbd.expected_transactions(model, holdout_length, summary.frequency, summary.recency, summary.age)
    actual, actual_value = holdout_actuals(transactions, summary.customer_ids, calibration_end, holdout_end)
    report = {
        "bgnbd": {"r": model.r, "alpha": model.alpha, "a": model.a, "b": model.b,
                  "log_likelihood": model.log_likelihood, "unit": unit},
        "gamma_gamma": None if spend_model is None else {
            "p": spend_model.p, "q": spend_model.q, "gamma": spend_model.gamma,
            "log_likelihood": spend_model.log_likelihood, "customers": spend_model.n_customers,
            "frequency_spend_correlation": spend_model.frequency_spend_correlation,
        },
        "holdout": {
            "calibration_end": calibration_end.isoformat(),
            "holdout_end": holdout_end.isoformat(),
            "holdout_length": holdout_length,
            "unit": unit,
            "customers": len(summary),
            "repeat_customers": int(np.sum(summary.frequency > 0)),
            "calibration_repeat_transactions": int(summary.frequency.sum()),
            "transactions": _errors(predicted, actual),
            "baselines": _baselines(summary, holdout_length, actual),
            "by_calibration_frequency": _by_frequency(summary.frequency, predicted, actual),
            "weekly_tracking": weekly_tracking(model, transactions, summary, holdout_end),
        },
    }
    if spend_error is not None:
        report["gamma_gamma_error"] = spend_error
    else:
        report["holdout"]["spend"] = _spend_check(spend_model, summary, predicted, actual, actual_value)
    return report


def _errors(predicted: np.ndarray, actual: np.ndarray) -> dict:
    return {
        "predicted_total": float(predicted.sum()),
        "actual_total": float(actual.sum()),
        "mean_absolute_error": float(np.mean(np.abs(predicted - actual))),
        "root_mean_squared_error": float(np.sqrt(np.mean((predicted - actual) ** 2))),
        "correlation": float(np.corrcoef(predicted, actual)[0, 1]) if np.ptp(predicted) > 0 and np.ptp(actual) > 0 else None,
    }


def _baselines(summary: RFM, holdout_length: float, actual: np.ndarray) -> dict:
    """Simple predictions the model has to beat on the same customers.

    ``customer_rate``: each customer's calibration repeat rate (x / T)
    carried forward; ``no_repeat``: nobody buys again, which is the median
    customer and so hard to beat on mean absolute error when most never return.
    """
    rate = np.divide(summary.frequency, summary.age, out=np.zeros_like(summary.frequency), where=summary.age > 0)
    return {"customer_rate": _errors(rate * holdout_length, actual), "no_repeat": _errors(np.zeros_like(actual), actual)}


def _by_frequency(frequency: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> list[dict]:
    groups = []
    for x in range(FREQUENCY_GROUPS + 1):
        rows = frequency == x if x < FREQUENCY_GROUPS else frequency >= x
        if rows.any():
            groups.append({"x": str(x) if x < FREQUENCY_GROUPS else f"{x}+", "customers": int(rows.sum()),
                           "predicted_mean": float(predicted[rows].mean()), "actual_mean": float(actual[rows].mean())})
    return groups


def weekly_tracking(model: bgnbd.BGNBD, transactions, summary: RFM, end: date) -> list[dict]:
    """Cumulative repeat transactions of the calibration cohort, week by week from its first purchase day."""
    origin = min(summary.first_purchase)
    total_days = (end - origin).days + 1
    first = np.array([(day - origin).days for day in summary.first_purchase], dtype=float)
    repeat_offsets = np.sort(np.array([
        (day - origin).days
        for customer_id, first_day in zip(summary.customer_ids, summary.first_purchase)
        for day in transactions[customer_id] if first_day < day <= end
    ], dtype=float))
    weeks = -(-total_days // 7)
    rows, previous_predicted, previous_actual = [], 0.0, 0
    for week in range(1, weeks + 1):
        boundary = min(7 * week, total_days)  # day offsets < boundary are in weeks 1..week
        elapsed = np.clip(boundary - first, 0.0, None) / unit_days(model.unit)
        predicted = float(bgnbd.expected_transactions(model, elapsed).sum())
        actual = int(np.searchsorted(repeat_offsets, boundary, side="left"))
        rows.append({
            "week": week, "week_end": (origin + timedelta(days=boundary - 1)).isoformat(),
            "predicted": predicted - previous_predicted, "actual": actual - previous_actual,
            "predicted_cumulative": predicted, "actual_cumulative": actual,
        })
        previous_predicted, previous_actual = predicted, actual
    return rows


def _spend_check(model: gamma_gamma.GammaGamma, summary: RFM, predicted: np.ndarray, actual: np.ndarray,
                 actual_value: np.ndarray) -> dict:
    expected_spend = gamma_gamma.expected_average_spend(model, summary.frequency, summary.monetary_value)
    both = (summary.frequency > 0) & (actual > 0)
    holdout_mean = np.divide(actual_value, actual, out=np.zeros_like(actual_value), where=actual > 0)
    check = {
        "customers": int(both.sum()),
        "predicted_revenue": float(np.sum(predicted * expected_spend)),
        "actual_revenue": float(actual_value.sum()),
    }
    if both.any():
        check.update({
            "predicted_mean_spend": float(expected_spend[both].mean()),
            "actual_mean_spend": float(holdout_mean[both].mean()),
            "mean_absolute_error": float(np.mean(np.abs(expected_spend[both] - holdout_mean[both]))),
            "calibration_mean_spend": float(summary.monetary_value[both].mean()),
            "calibration_mean_absolute_error": float(np.mean(np.abs(summary.monetary_value[both] - holdout_mean[both]))),
        })
    return check
