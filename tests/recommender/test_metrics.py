import math

import numpy as np
import pytest
import scipy.sparse as sp
from lightfm import LightFM
from lightfm.evaluation import auc_score, precision_at_k, recall_at_k

from app.recommender.training import metrics


def _evaluate(scores, test, train=None, k=2, **kwargs):
    scores = np.asarray(scores, dtype=float)
    return metrics.evaluate(lambda users: scores[users], sp.csr_matrix(test), None if train is None else sp.csr_matrix(train), k=k, **kwargs)


def test_hand_computed_single_user():
    # Ranking by score: items 0, 1, 2, 3, 4. Relevant: 1 and 3.
    result = _evaluate([[5, 4, 3, 2, 1]], [[0, 1, 0, 1, 0]], k=2)
    assert result["precision_at_k"] == pytest.approx(0.5)
    assert result["recall_at_k"] == pytest.approx(0.5)
    # DCG = 1/log2(3); ideal = 1 + 1/log2(3)
    assert result["ndcg_at_k"] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    # Pairs (pos, neg): item 1 beats 2 and 4, loses to 0; item 3 beats 4, loses to 0 and 2 -> 3 of 6.
    assert result["auc"] == pytest.approx(0.5)
    assert result["coverage"] == pytest.approx(2 / 5)
    assert result["users"] == 1


def test_training_positives_are_excluded_from_the_ranking():
    # Item 0 was seen in training: without it, relevant item 1 is first.
    result = _evaluate([[5, 4, 3, 2]], [[0, 1, 0, 0]], train=[[1, 0, 0, 0]], k=1)
    assert result["precision_at_k"] == 1.0
    assert result["auc"] == 1.0
    assert result["ndcg_at_k"] == 1.0


def test_ties_count_half_in_auc_and_users_without_test_items_are_skipped():
    result = _evaluate([[1, 1, 1, 1], [4, 3, 2, 1]], [[1, 0, 0, 0], [0, 0, 0, 0]], k=1)
    assert result["users"] == 1
    assert result["auc"] == pytest.approx(0.5)


def test_averages_over_users_and_candidates_restrict_the_ranking():
    scores = [[4, 3, 2, 1], [1, 2, 3, 4]]
    test = [[1, 0, 0, 0], [1, 0, 0, 0]]
    result = _evaluate(scores, test, k=1)
    assert result["precision_at_k"] == pytest.approx(0.5)
    assert result["auc"] == pytest.approx(0.5)  # 1.0 and 0.0
    restricted = _evaluate(scores, test, k=1, candidates=np.array([0, 1]))
    assert restricted["auc"] == pytest.approx(0.5)
    assert restricted["coverage"] == pytest.approx(1.0)


def test_matches_lightfm_evaluation_on_a_random_model():
    rng = np.random.default_rng(0)
    n_users, n_items = 60, 40
    full = (rng.random((n_users, n_items)) < 0.2).astype(np.float32)
    train_mask = rng.random((n_users, n_items)) < 0.7
    train = sp.coo_matrix(full * train_mask)
    test = sp.coo_matrix(full * ~train_mask)
    model = LightFM(no_components=5, random_state=np.random.RandomState(0))
    model.fit(train, epochs=3)
    users, items = np.meshgrid(np.arange(n_users), np.arange(n_items), indexing="ij")
    scores = model.predict(users.ravel().astype(np.int32), items.ravel().astype(np.int32)).reshape(n_users, n_items)
    ours = _evaluate(scores, test, train, k=5)
    assert ours["precision_at_k"] == pytest.approx(precision_at_k(model, test, train, k=5).mean(), abs=1e-6)
    assert ours["recall_at_k"] == pytest.approx(recall_at_k(model, test, train, k=5).mean(), abs=1e-6)
    assert ours["auc"] == pytest.approx(auc_score(model, test, train).mean(), abs=1e-3)


def test_unshowable_items_are_never_hits_and_rank_below_every_showable_one():
    scores = np.array([[5.0, -np.inf, 3.0, -np.inf, 1.0]])
    relevant = np.array([[False, True, True, False, False]])
    result = metrics.block_metrics(scores, relevant, k=3)
    assert result["precision_at_k"][0] == pytest.approx(1 / 3)  # item 1 is relevant but filtered out
    assert result["top"].tolist() == [0, 2, 4]  # only showable items fill the list
    # Pairs (relevant, showable negative): item 2 beats 4, loses to 0; item 1 loses to both -> 1 of 4.
    assert result["auc"][0] == pytest.approx(0.25)
    nothing = metrics.block_metrics(np.full((1, 3), -np.inf), np.array([[True, False, False]]), k=2)
    assert nothing["precision_at_k"][0] == 0 and nothing["auc"][0] == 0 and len(nothing["top"]) == 0


@pytest.mark.parametrize("n_items", [7, 300, 2000])
def test_the_top_k_is_each_rows_best_columns_best_first_ties_by_column(n_items):
    # Large rows take the sampled threshold; small ones select over all columns. Both must equal a full sort.
    rng = np.random.default_rng(n_items)
    for coarse in (False, True):
        scores = rng.integers(-4, 4, (40, n_items)).astype(np.float32) if coarse else rng.standard_normal((40, n_items)).astype(np.float32)
        scores[rng.random(scores.shape) < 0.3] = -np.inf
        scores[0] = -np.inf  # nothing showable: still k columns, the first ones
        scores[1, -1] = 100.0  # a clear best that no sampled column sees
        k = min(10, n_items)
        expected = np.lexsort((np.broadcast_to(np.arange(n_items), scores.shape), -scores), axis=1)[:, :k]
        assert (metrics.top_k_per_row(scores, k) == expected).all()
    assert metrics.top_k_per_row(scores, k)[1, 0] == n_items - 1
