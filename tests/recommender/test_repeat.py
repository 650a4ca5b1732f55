"""Repeat purchase: pair histories, hazard features, the fitted hazard, and buy_again's ranking."""
import numpy as np
import pytest

from app.recommender.serving.history import Histories, VisitorHistory, from_visitor
from app.recommender.serving.repeat import FEATURES, pair_features, pair_history, repeat_scores
from app.recommender.training.repeat_model import RepeatSettings, fit_repeat_model, product_rates

DAY = 86400.0


def lines(*rows) -> Histories:
    """``(row, item, day, quantity)`` purchase lines."""
    rows = np.array(rows, dtype=float)
    return Histories(n_rows=int(rows[:, 0].max()) + 1, purchase_rows=rows[:, 0], purchase_items=rows[:, 1],
                     purchase_times=rows[:, 2] * DAY + 3600, purchase_quantities=rows[:, 3])


def test_pair_history_merges_a_days_lines_and_counts_orders_since():
    histories = lines((0, 1, 10, 1), (0, 1, 10, 2), (0, 1, 20, 1), (0, 2, 15, 4), (0, 3, 30, 1), (1, 1, 5, 1))
    pairs = pair_history(histories)
    records = {(int(r), int(i)): n for n, (r, i) in enumerate(zip(pairs.rows, pairs.items))}
    assert sorted(records) == [(0, 1), (0, 2), (0, 3), (1, 1)]
    first = records[(0, 1)]
    assert pairs.times[first] == 2  # days 10 (two lines, one purchase) and 20
    assert pairs.first_day[first] == 10 and pairs.last_quantity[first] == 1 and pairs.mean_quantity[first] == pytest.approx(2.0)
    assert pairs.orders_since[first] == 1  # row 0 ordered on days 10, 15, 20, 30: once after day 20
    assert pairs.row_order_days[first] == 4
    assert pairs.orders_since[records[(0, 3)]] == 0 and pairs.row_order_days[records[(1, 1)]] == 1
    before = pair_history(histories, before=16 * DAY)
    assert sorted(zip(before.rows.tolist(), before.items.tolist())) == [(0, 1), (0, 2), (1, 1)]


def test_features_use_a_censored_shrunk_rate_and_a_quantity_normalised_interval():
    pairs = pair_history(lines((0, 0, 0, 1), (0, 0, 10, 1), (0, 0, 20, 2)))
    now = 30 * DAY + 3600
    rate, strength = np.array([0.05]), 0.5
    features = pair_features(pairs, now, rate, np.array([0.2]), strength, np.array([1.5]))
    named = dict(zip(FEATURES, features[0]))
    tenure = now / DAY  # days since the first purchase (day 0)
    expected_rate = (strength + 3 - 1) / (strength / 0.05 + tenure)  # two repeats over 30 days, waiting time included
    assert np.exp(named["log_rate"]) == pytest.approx(expected_rate)
    cover = 2 / (4 / 3)  # the last purchase was 2 units, usually 4/3
    assert np.exp(named["log_quantity_cover"]) == pytest.approx(cover)
    assert named["log_due"] == pytest.approx(np.log((10 + 1) / (cover / expected_rate)))
    assert named["log_due_squared"] == pytest.approx(named["log_due"] ** 2)
    assert named["season"] == 0.2 and named["affinity"] == 1.5 and np.exp(named["log_times"]) - 1 == pytest.approx(3)


def test_product_rates_shrink_toward_the_category_then_the_shop():
    pairs = pair_history(lines((0, 0, 0, 1), (0, 0, 10, 1), (1, 1, 0, 1), (2, 2, 0, 1)))
    rates = product_rates(pairs, 20 * DAY, 3, np.array([0, 0, -1]), prior_days=10.0)
    # Item 0: one repeat over 20 days; item 1 (same category) none; item 2 (no category) falls back to the shop.
    shop = 1 / 60
    category = (1 + shop * 10) / (40 + 10)
    assert rates.tolist() == pytest.approx([(1 + category * 10) / 30, category * 10 / 30, shop * 10 / 30])


def rhythm(customers: int = 40, days: int = 200, every: float = 10.0, seed: int = 0) -> Histories:
    """Everyone restocks item 0 every ``every`` days and bought item 1 once, long ago."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(customers):
        start = rng.uniform(0, every)
        rows += [(c, 0, day, 1) for day in np.arange(start, days, every)]
        rows.append((c, 1, rng.uniform(0, 20), 1))
    return lines(*rows)


def test_the_fitted_hazard_is_high_when_a_restock_is_due_and_low_just_after_one():
    histories = rhythm()
    model = fit_repeat_model(histories, 2, 200 * DAY, settings=RepeatSettings(horizon_days=10.0))
    assert model is not None and model.signal_scale > 0
    due = VisitorHistory(purchases=[("staple", 100 * DAY, 1), ("staple", 110 * DAY, 1), ("once", 5 * DAY, 1)])
    visitor = from_visitor(due, {"staple": 0, "once": 1}, {}, None)
    just_bought = repeat_scores(model, visitor, 111 * DAY, 2, None)[0]
    waiting = repeat_scores(model, visitor, 119 * DAY, 2, None)[0]
    assert waiting[0] > just_bought[0] and waiting[0] > waiting[1] > 0
    assert repeat_scores(model, visitor, 119 * DAY + 400 * DAY, 2, None)[0].tolist() == [0.0, 0.0]  # past the age limit


def test_no_repeat_no_model():
    assert fit_repeat_model(lines((0, 0, 1, 1), (1, 1, 2, 1), (2, 0, 50, 1)), 2, 60 * DAY) is None
