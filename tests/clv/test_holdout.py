"""evaluate_clv on simulated customers: a model checked against data it generated itself."""
from datetime import date

import pytest

from app.clv.fitting import FitError
from app.clv.holdout import evaluate_clv
from app.clv.rfm import daily_transactions
from tests.clv.simulate import simulate_purchases


@pytest.fixture(scope="module")
def simulated():
    return daily_transactions(simulate_purchases(3000, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=11))


def test_holdout_report_tracks_a_simulated_shop(simulated):
    report = evaluate_clv(simulated, date(2025, 7, 1), date(2025, 12, 30), unit="weeks")
    assert set(report) == {"bgnbd", "gamma_gamma", "holdout"}
    assert set(report["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood", "unit"}
    assert {"p", "q", "gamma"} <= set(report["gamma_gamma"])
    holdout = report["holdout"]
    transactions = holdout["transactions"]
    assert transactions["predicted_total"] == pytest.approx(transactions["actual_total"], rel=0.1)
    baseline = holdout["baselines"]["customer_rate"]
    assert transactions["root_mean_squared_error"] < baseline["root_mean_squared_error"]
    assert transactions["mean_absolute_error"] < baseline["mean_absolute_error"]
    assert holdout["baselines"]["no_repeat"]["predicted_total"] == 0
    weeks = holdout["weekly_tracking"]
    assert weeks[0]["week_end"] == "2025-01-07" and weeks[-1]["week_end"] == "2025-12-30"
    assert [w["actual_cumulative"] for w in weeks] == sorted(w["actual_cumulative"] for w in weeks)
    assert weeks[-1]["predicted_cumulative"] == pytest.approx(weeks[-1]["actual_cumulative"], rel=0.1)
    assert sum(group["customers"] for group in holdout["by_calibration_frequency"]) == holdout["customers"]
    assert holdout["spend"]["predicted_mean_spend"] == pytest.approx(holdout["spend"]["actual_mean_spend"], rel=0.15)


def test_bad_periods_and_data_are_explained(simulated):
    with pytest.raises(ValueError, match="after"):
        evaluate_clv(simulated, date(2025, 7, 1), date(2025, 7, 1))
    with pytest.raises(FitError, match="no customer"):
        evaluate_clv(simulated, date(2024, 1, 1), date(2025, 7, 1))
    one_timers = {customer: dict(list(days.items())[:1]) for customer, days in simulated.items()}
    with pytest.raises(FitError, match="no repeat"):
        evaluate_clv(one_timers, date(2025, 7, 1), date(2025, 12, 30))
