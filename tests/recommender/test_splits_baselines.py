import numpy as np
import pytest
import scipy.sparse as sp

from app.recommender.serving import blend
from app.recommender.training import baselines, blend_weight
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


def test_choose_weight_prefers_popularity_when_the_model_is_noise():
    rng = np.random.default_rng(0)
    n_users, n_items = 200, 50
    popularity = np.linspace(100, 1, n_items)
    validation = sp.csr_matrix((rng.random((n_users, n_items)) < (popularity / 400)[None, :]).astype(np.float32))
    train = sp.csr_matrix((n_users, n_items), dtype=np.float32)
    noise = rng.normal(size=(n_users, n_items))
    weight, results = blend_weight.choose_weight(lambda users: noise[users], popularity, validation, train, k=5)
    assert weight <= 0.2
    assert results[weight]["precision_at_k"] >= results[0.0]["precision_at_k"] > results[1.0]["precision_at_k"]
    # And a perfect model wins outright.
    perfect = validation.toarray()
    weight, _ = blend_weight.choose_weight(lambda users: perfect[users], popularity, validation, train, k=5)
    assert weight == 1.0
    assert blend.blend(noise[0], blend.popularity_prior(popularity), 1.0) == pytest.approx(noise[0])
