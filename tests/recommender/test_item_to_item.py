"""EASE and item kNN (training) and the item-to-item signal as serving reads it."""
import numpy as np
import pytest
import scipy.sparse as sp

from app.recommender.serving.history import Histories
from app.recommender.serving.item_to_item import keep_strongest
from app.recommender.training import item_to_item


def test_ease_is_the_closed_form_on_items_with_history():
    rng = np.random.default_rng(0)
    dense = (rng.random((40, 6)) < 0.4).astype(np.float32)
    dense[:, 5] = 0  # an item nobody bought
    matrix = sp.csr_matrix(dense)
    gram = item_to_item.gram(matrix, min_mass=1.0)
    assert gram.active.tolist() == [0, 1, 2, 3, 4]
    bought = dense[:, :5].astype(np.float64)
    inverse = np.linalg.inv(bought.T @ bought + 10.0 * np.eye(5))
    expected = -inverse / np.diag(inverse)[None, :]
    np.fill_diagonal(expected, 0.0)
    assert item_to_item.ease_weights(gram.matrix, 10.0) == pytest.approx(expected.astype(np.float32), abs=1e-5)
    fitted = item_to_item.ease(gram, item_to_item.EaseParams(10.0, None, None), keep=2)
    assert fitted.matrix.shape == (6, 6) and fitted.matrix[:, 5].nnz == 0 and fitted.matrix[5].nnz == 0
    assert (fitted.matrix.getnnz(axis=1) <= 2).all() and fitted.params["items"] == 5


def test_ease_is_the_closed_form_when_the_inverse_is_mirrored_over_several_bands():
    # 600 items: the inverse's upper triangle is copied to the lower one in bands of 256 columns.
    rng = np.random.default_rng(1)
    bought = (rng.random((900, 600)) < 0.05).astype(np.float64)
    inverse = np.linalg.inv(bought.T @ bought + 50.0 * np.eye(600))
    expected = -inverse / np.diag(inverse)[None, :]
    np.fill_diagonal(expected, 0.0)
    weights = item_to_item.ease_weights((bought.T @ bought).astype(np.float32), 50.0)
    assert weights.dtype == np.float32
    assert np.abs(weights - expected).max() < 1e-4

def test_item_knn_is_cosine_with_shrinkage():
    matrix = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 1]], dtype=np.float32))
    fitted = item_to_item.knn(matrix, item_to_item.KnnParams(neighbours=5, shrinkage=1.0, train_half_life_days=None,
                                                             history_half_life_days=None))
    similarity = fitted.matrix.toarray()
    assert similarity[0, 1] == pytest.approx(2 / (np.sqrt(3 * 2) + 1))
    assert similarity[0, 2] == pytest.approx(1 / (np.sqrt(3 * 2) + 1)) and similarity[1, 2] == 0 and similarity[0, 0] == 0


def test_keep_strongest_keeps_each_rows_best_positive_links():
    dense = np.array([[0, 3, 1, -2], [5, 0, 5, 1], [0, 0, 0, 0], [1, 2, 3, 0]], dtype=np.float32)
    for form in (dense, sp.csr_matrix(dense)):
        kept = keep_strongest(form, 2).toarray()
        assert kept.tolist() == [[0, 3, 1, 0], [5, 0, 5, 0], [0, 0, 0, 0], [0, 2, 3, 0]]


def test_the_signal_sums_the_links_of_a_decayed_capped_history():
    fitted = item_to_item.knn(sp.csr_matrix(np.eye(3, dtype=np.float32)), item_to_item.KnnParams(5, 0.0, None, 10.0))
    fitted.matrix = sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 2], [0, 0, 0]], dtype=np.float32))
    day = 86400.0
    histories = Histories(n_rows=2, event_rows=[0, 0, 0, 1], event_items=[0, 0, 1, 1], event_weights=[1, 1, 1, 1],
                          event_times=[100 * day, 100 * day, 90 * day, 100 * day])
    scores = fitted.scores(histories, 100 * day)
    # Row 0: item 0 seen twice today (capped at 1), item 1 ten days ago (half); row 1: item 1 today.
    assert scores[0].tolist() == pytest.approx([0, 1, 1.0]) and scores[1].tolist() == pytest.approx([0, 0, 2])
    padded = item_to_item.pad(fitted, 5)
    assert padded.matrix.shape == (5, 5) and padded.matrix[:3, :3].toarray().tolist() == fitted.matrix.toarray().tolist()


def test_knn_from_the_gram_matrix_is_the_sparse_knn_on_items_with_history():
    rng = np.random.default_rng(3)
    matrix = sp.csr_matrix((rng.random((60, 8)) < 0.3).astype(np.float32) * rng.random((60, 8)).astype(np.float32))
    params = item_to_item.KnnParams(neighbours=3, shrinkage=2.0, train_half_life_days=None, history_half_life_days=None)
    from_gram = item_to_item.knn_from_gram(item_to_item.gram(matrix, min_mass=0.0), params)
    assert from_gram.matrix.toarray() == pytest.approx(item_to_item.knn(matrix, params).matrix.toarray(), abs=1e-6)


def test_one_visitor_is_scored_like_a_row_of_a_block():
    """Serving scores one visitor without building scipy matrices; it must be the block's product, row for row."""
    rng = np.random.default_rng(7)
    matrix = sp.random(40, 40, density=0.2, format="csr", dtype=np.float32, random_state=3)
    fitted = item_to_item.knn(sp.csr_matrix(np.eye(3, dtype=np.float32)), item_to_item.KnnParams(5, 0.0, 14.0, 10.0))
    fitted.matrix = matrix
    day = 86400.0
    for events in (0, 1, 30):  # nothing yet, one view, a long history with repeats
        items, times = rng.integers(0, 40, events), 100 * day - rng.random(events) * 60 * day
        one = Histories(n_rows=1, event_rows=np.zeros(events), event_items=items, event_weights=rng.random(events) * 2, event_times=times)
        two = Histories(n_rows=2, event_rows=np.r_[np.zeros(events), 1], event_items=np.r_[items, 5],
                        event_weights=np.r_[one.event_weights, 1.0], event_times=np.r_[times, 100 * day])
        assert fitted.scores(one, 100 * day).shape == (1, 40)
        assert fitted.scores(one, 100 * day)[0] == pytest.approx(fitted.scores(two, 100 * day)[0], abs=1e-6)


def test_ease_without_any_item_with_enough_history_links_nothing():
    # A young shop: every item bought once. LAPACK rejects an empty matrix; training must not fail on it.
    matrix = sp.csr_matrix(np.eye(4, dtype=np.float32))
    gram = item_to_item.gram(matrix)
    assert len(gram.active) == 0
    fitted = item_to_item.ease(gram, item_to_item.EaseParams(200.0, None, None))
    assert fitted.matrix.shape == (4, 4) and fitted.matrix.nnz == 0
