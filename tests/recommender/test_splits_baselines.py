import numpy as np
import pytest
import scipy.sparse as sp

from app.recommender.training import baselines
from app.recommender.training.features import Interactions
from app.recommender.training.splits import cold_item_split, temporal_split


def _rows():
    return Interactions.from_tuples(
        [("a", "x", 1, 1), ("a", "y", 1, 2), ("b", "x", 1, 3), ("b", "z", 1, 4), ("c", "y", 1, 5), ("a", "w", 1, 9), ("a", "z", 1, 10), ("d", "x", 1, 10)]
    )


def test_temporal_split_keeps_only_known_users_and_items_in_test():
    split = temporal_split(_rows(), 0.3)
    assert split.train.timestamps.max() < split.cutoff <= split.test.timestamps.min()
    assert sorted(zip(split.test.user_ids, split.test.item_ids)) == [("a", "z")]  # w: new item, d: new user
    with pytest.raises(ValueError):
        temporal_split(Interactions.from_tuples([("a", "x", 1, 5), ("b", "y", 1, 5)]), 0.5)


def test_cold_item_split_holds_items_out_entirely():
    split = cold_item_split(_rows(), 0.25, seed=3)
    held = set(split.held_out_items)
    assert len(held) == 1
    assert not held & set(split.train.item_ids)
    assert set(split.test.item_ids) <= held


def test_popularity_and_item_knn():
    matrix = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=np.float32))
    assert baselines.popularity(matrix).tolist() == [3, 2, 1]
    knn = baselines.ItemKNN(matrix)
    # cos(0, 1) = 2 / sqrt(3 * 2); user 3 (item 0 only) gets that for item 1, nothing for item 2.
    assert knn.scores(np.array([3]))[0] == pytest.approx([0, 2 / np.sqrt(6), 0])
