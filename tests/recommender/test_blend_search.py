"""Choosing the blend: forward selection from recent popularity, kept only beyond one standard error."""
import numpy as np
import scipy.sparse as sp

from app.recommender.serving.history import Histories
from app.recommender.training import blend_weight
from app.recommender.training.views import View
from tests.helpers.recommender_served import served

USERS, ITEMS = 300, 40


def setting(hybrid_knows_the_answers: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    popularity = np.linspace(40, 1, ITEMS)
    # What people then buy leans a little on popularity, mostly on taste.
    relevant = np.zeros((USERS, ITEMS), bool)
    for user in range(USERS):
        relevant[user, rng.choice(ITEMS, 3, replace=False, p=popularity / popularity.sum())] = True
    taste = relevant.astype(np.float32) if hybrid_knows_the_answers else rng.normal(size=(USERS, ITEMS)).astype(np.float32)
    model = served(taste, np.eye(ITEMS, dtype=np.float32), popularity=popularity)
    view = View("discovery", [f"u{n}" for n in range(USERS)], Histories(n_rows=USERS, user_rows=np.arange(USERS)),
                sp.csr_matrix(relevant.astype(np.float32)), 0.0)
    return model, view


def test_noise_is_not_kept_and_the_blend_stays_recent_popularity():
    model, view = setting(hybrid_knows_the_answers=False)
    choice = blend_weight.choose_blend(model, view, k=5)
    assert choice.weights.default == {"popularity": 1.0} and choice.weights.by_bucket == {}
    tried = choice.steps[0]["steps"][-1]
    assert tried["kept"] is False and "hybrid" in tried["try"] and tried["gain"] <= tried["se"]


def test_a_signal_that_knows_the_answers_is_kept_and_beats_popularity():
    model, view = setting(hybrid_knows_the_answers=True)
    choice = blend_weight.choose_blend(model, view, k=5)
    assert choice.weights.default.get("hybrid", 0) >= 0.5
    rows = np.arange(USERS)
    chosen, alone = blend_weight.compare(model, view, rows, [choice.weights, {"popularity": 1.0}], k=5)
    assert chosen["precision_at_k"].mean() > 2 * alone["precision_at_k"].mean()


def test_the_one_standard_error_rule():
    base = {"precision_at_k": np.zeros(100)}
    tiny = {"precision_at_k": np.r_[np.full(5, 0.1), np.zeros(95)]}  # +0.005 mean, SE about 0.0022
    assert blend_weight.beats(tiny, base)[0] is True
    noisy = {"precision_at_k": np.r_[np.full(5, 0.1), np.full(4, -0.1), np.zeros(91)]}
    assert blend_weight.beats(noisy, base)[0] is False
    assert blend_weight.sample_rows(10, 50, 0).tolist() == list(range(10)) and len(blend_weight.sample_rows(1000, 50, 0)) == 50


def test_what_helps_new_visitors_is_kept_for_them_and_not_forced_on_known_customers():
    rng = np.random.default_rng(1)
    known, new = 200, 150
    popularity = np.linspace(40, 1, ITEMS)
    relevant = np.zeros((known + new, ITEMS), bool)
    for user in range(known + new):
        relevant[user, rng.choice(ITEMS, 3, replace=False, p=popularity / popularity.sum())] = True
    # Known customers' trained vectors are noise; a new visitor's one viewed product is one of the products they want,
    # so LightFM's fold-in (its session) finds it.
    model = served(rng.normal(size=(known, ITEMS)).astype(np.float32), np.eye(ITEMS, dtype=np.float32), popularity=popularity)
    newcomers = np.arange(known, known + new)
    viewed = np.array([rng.choice(np.flatnonzero(relevant[row])) for row in newcomers])
    histories = Histories(n_rows=known + new, event_rows=newcomers, event_items=viewed, event_weights=np.ones(new),
                          event_times=np.zeros(new), session_rows=newcomers, session_items=viewed,
                          user_rows=np.r_[np.arange(known), np.full(new, -1)])
    view = View("discovery", [f"u{n}" for n in range(known + new)], histories, sp.csr_matrix(relevant.astype(np.float32)), 0.0)
    choice = blend_weight.choose_blend(model, view, k=5)
    assert choice.weights.default == {"popularity": 1.0}
    assert set(choice.weights.by_bucket) == {"new"} and choice.weights.by_bucket["new"].get("hybrid", 0) > 0
    rows = np.arange(known)
    chosen, alone = blend_weight.compare(model, view, rows, [choice.weights, {"popularity": 1.0}], k=5)
    assert chosen["precision_at_k"].tolist() == alone["precision_at_k"].tolist()  # known customers: untouched


def test_the_repeat_share_never_takes_the_whole_blend(monkeypatch):
    # Repeat scores are 0 on products never bought: a repeat-only blend would list those in catalog order.
    model, view = setting(hybrid_knows_the_answers=True)
    model.signals_available = lambda: {"popularity", "hybrid", "repeat"}
    tried = []

    def compare(served, view, rows, candidates, k):
        tried.extend(candidates)
        # Make the largest repeat share look best, as noise on the repeat view can.
        return [{"precision_at_k": np.full(len(rows), c.default.get("repeat", 0.0)), "ndcg_at_k": np.zeros(len(rows))}
                for c in candidates]

    monkeypatch.setattr(blend_weight, "compare", compare)
    weights = blend_weight.BlendWeights({"popularity": 0.4, "hybrid": 0.6}, {"new": {"hybrid": 1.0}})
    choice = blend_weight.add_repeat(model, view, weights, k=5)
    assert all(sum(w for name, w in c.default.items() if name != "repeat") > 0 for c in tried)
    assert 0 < choice.weights.default["repeat"] < 1 and choice.weights.default["hybrid"] > 0
    assert choice.weights.by_bucket["new"]["hybrid"] > 0
