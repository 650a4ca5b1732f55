"""Recent popularity: distinct visitors, a window or a half-life, a minimum support; cold items' prior."""
import numpy as np
import pytest

from app.recommender.training import popularity

DAY = 86400.0
NOW = 100 * DAY


def latest(rows):
    users, items, days = (np.array(column) for column in zip(*rows))
    return popularity.latest_per_pair(users, items, NOW - days * DAY)


def test_a_window_counts_each_visitor_once_and_needs_three_of_them():
    items, at = latest([(0, 0, 1), (0, 0, 0.5), (0, 0, 0.2), (1, 0, 2), (2, 0, 2.5),  # item 0: three people
                        (3, 1, 0.1)] + [(3, 1, 0.1)] * 11 +  # item 1: one person, twelve times
                       [(4, 2, 10), (5, 2, 10), (6, 2, 10)])  # item 2: three people, long ago
    params = popularity.PopularityParams("window", 3.0)
    scores = popularity.recent_popularity(items, at, 4, NOW, params)
    assert scores[0] == pytest.approx(3, abs=1e-5)
    assert scores[1] < 1e-5 and scores[2] < 1e-5 and scores[3] == 0  # below support: only the all-time tie-break
    assert scores[2] > scores[1] > scores[3]  # which orders them by all-time distinct visitors


def test_a_half_life_weighs_each_visitor_by_their_latest_visit():
    items, at = latest([(0, 0, 0), (1, 0, 7), (2, 0, 14), (0, 0, 20)])
    scores = popularity.recent_popularity(items, at, 1, NOW, popularity.PopularityParams("half_life", 7.0))
    assert scores[0] == pytest.approx(1 + 0.5 + 0.25, abs=1e-5)
    assert len(popularity.grid()) == 10


def test_cold_items_take_their_feature_neighbours_popularity():
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [1, 0.05]], dtype=np.float32)
    prior = popularity.with_cold_prior(np.array([10, 20, 1, 0], np.float32), vectors, np.array([3]), neighbours=2)
    assert prior.tolist() == pytest.approx([10, 20, 1, 15])
