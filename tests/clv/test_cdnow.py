"""The papers' figures on CDNOW: BG/NBD and Gamma-Gamma on the 2,357-customer sample, calibration to 1997-09-30."""
from datetime import date

import pytest

from app.clv import bgnbd, gamma_gamma
from app.clv.holdout import evaluate_clv
from app.clv.rfm import daily_transactions, rfm_summary

pytestmark = pytest.mark.dataset
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LOG_LIKELIHOOD = -9582.4
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def cdnow_transactions(shared_datasets):
    purchases = []
    with open(shared_datasets / "cdnow" / "CDNOW_sample.txt", encoding="utf-8") as handle:
        for line in handle:
            customer, _sample, day, _cds, dollars = line.split()
            purchases.append((customer, date(int(day[:4]), int(day[4:6]), int(day[6:])), float(dollars)))
    return daily_transactions(purchases)


@pytest.fixture
def cdnow(shared_datasets):
    return cdnow_transactions(shared_datasets)


def test_the_sample_is_the_papers(cdnow):
    summary = rfm_summary(cdnow, date(1997, 9, 30), "weeks")
    assert len(summary) == 2357 and summary.frequency.sum() == 2457 and (summary.frequency > 0).sum() == 946


def test_bgnbd_reproduces_the_published_parameters(cdnow):
    summary = rfm_summary(cdnow, date(1997, 9, 30), "weeks")
    model = bgnbd.fit(summary.frequency, summary.recency, summary.age)
    for name, published in PUBLISHED_BGNBD.items():
        assert getattr(model, name) == pytest.approx(published, rel=0.02), name
    assert model.log_likelihood == pytest.approx(PUBLISHED_LOG_LIKELIHOOD, abs=0.1)


def test_gamma_gamma_reproduces_the_published_parameters(cdnow):
    summary = rfm_summary(cdnow, date(1997, 9, 30), "weeks")
    model = gamma_gamma.fit(summary.frequency, summary.monetary_value)
    assert model.n_customers == 946
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert getattr(model, name) == pytest.approx(published, rel=0.02), name


def test_holdout_tracking_counts_what_happened_and_predicts_close_to_it(cdnow):
    report = evaluate_clv(cdnow, date(1997, 9, 30), date(1998, 6, 30))
    holdout = report["holdout"]
    weeks = holdout["weekly_tracking"]
    assert len(weeks) == 78 and weeks[38]["week_end"] == "1997-09-30"
    assert weeks[38]["actual_cumulative"] == 2457, "39 calibration weeks hold the calibration repeat transactions"
    assert weeks[-1]["actual_cumulative"] == 2457 + holdout["transactions"]["actual_total"]
    assert weeks[38]["predicted_cumulative"] == pytest.approx(2457, rel=0.05), "the fit tracks its own period"
    assert holdout["transactions"]["predicted_total"] == pytest.approx(holdout["transactions"]["actual_total"], rel=0.2)
    assert holdout["transactions"]["mean_absolute_error"] < 0.85
    for baseline in holdout["baselines"].values():
        assert holdout["transactions"]["root_mean_squared_error"] < 0.8 * baseline["root_mean_squared_error"]
    assert holdout["transactions"]["mean_absolute_error"] < holdout["baselines"]["customer_rate"]["mean_absolute_error"]
    spend = holdout["spend"]
    assert spend["predicted_mean_spend"] == pytest.approx(spend["actual_mean_spend"], rel=0.1)
    assert spend["mean_absolute_error"] < spend["calibration_mean_absolute_error"], "shrinkage beats the raw repeat mean"
