"""The served ranking (serving/ranking.py): one function for one visitor and for a block, with personalized's filters."""
import numpy as np
import pytest
import scipy.sparse as sp

from app.recommender.serving import ranking, served_model
from app.recommender.serving.blend import BlendWeights
from app.recommender.serving.history import Histories, VisitorHistory, from_visitor
from app.recommender.serving.repeat import FEATURES, RepeatModel
from app.recommender.training import item_to_item
from tests.helpers.recommender_served import served

DAY = 86400.0
ITEMS = np.eye(6, dtype=np.float32)  # item j's vector is the j-th axis: a user vector's entries are its scores


def repeat_model(n_items=6) -> RepeatModel:
    """A hazard that only looks at how many times a product was bought."""
    coefficients = np.zeros(len(FEATURES))
    coefficients[FEATURES.index("log_times")] = 3.0
    return RepeatModel(coefficients, -3.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.full(n_items, 0.01),
                       np.zeros(n_items), 0.5, 30.0, 365.0, signal_scale=0.1)


def test_rank_is_score_block_for_one_visitor_and_filters_recent_views_and_exclusions():
    model = served([[6, 5, 4, 3, 2, 1]], ITEMS)
    visitor = VisitorHistory(user_id="u0", events=[("i1", 1.0, 10 * DAY)], recent_views=["i1"])
    ranked = ranking.rank(model, visitor, 10, 11 * DAY, exclude_item_ids=["i3"])
    assert [item for item, _ in ranked] == ["i0", "i2", "i4", "i5"]
    block = ranking.score_block(model, from_visitor(visitor, model.embeddings.item_index, model.embeddings.user_index, None, ["i3"]), 11 * DAY)
    assert [score for _, score in ranked] == pytest.approx([block[0, i] for i in (0, 2, 4, 5)])
    assert np.isneginf(block[0, [1, 3]]).all()


def test_bought_products_come_back_only_when_the_blend_has_a_repeat_signal():
    purchases = [("i0", 5 * DAY, 1.0), ("i0", 9 * DAY, 1.0), ("i2", 9 * DAY, 1.0)]
    visitor = VisitorHistory(user_id="u0", purchases=purchases)
    without = served([[6, 5, 4, 3, 2, 1]], ITEMS)
    assert [item for item, _ in ranking.rank(without, visitor, 3, 10 * DAY)] == ["i1", "i3", "i4"]
    with_repeat = served([[6, 5, 4, 3, 2, 1]], ITEMS, weights={"hybrid": 0.5, "repeat": 0.5}, repeat=repeat_model())
    ranked = [item for item, _ in ranking.rank(with_repeat, visitor, 3, 10 * DAY)]
    assert ranked[0] == "i0"  # bought twice: the likeliest restock, and the best liked
    restocks = ranking.restock(with_repeat, visitor, 5, 10 * DAY)
    assert [item for item, _ in restocks] == ["i0", "i2"] and 0 < restocks[1][1] < restocks[0][1] < 1


def test_a_known_visitor_folds_in_only_what_they_did_after_training():
    model = served([[0, 0, 0, 0, 0, 1]], ITEMS, trained_until=10 * DAY)
    index, users = model.embeddings.item_index, model.embeddings.user_index
    old = from_visitor(VisitorHistory(user_id="u0", events=[("i2", 1.0, 9 * DAY)]), index, users, model.trained_until)
    assert old.session_items.tolist() == [] and old.user_rows.tolist() == [0]
    fresh = from_visitor(VisitorHistory(user_id="u0", events=[("i2", 1.0, 9 * DAY), ("i3", 1.0, 11 * DAY)]), index, users, 10 * DAY)
    assert fresh.session_items.tolist() == [3]
    stranger = from_visitor(VisitorHistory(user_id="nobody", events=[("i2", 1.0, 9 * DAY), ("gone", 1.0, 9 * DAY)]), index, users, 10 * DAY)
    assert stranger.user_rows.tolist() == [-1] and stranger.session_items.tolist() == [2] and stranger.event_items.tolist() == [2]


def test_a_new_visitor_is_folded_in_from_features_and_session():
    model = served([[0, 0, 0, 0, 0, 1]], ITEMS, user_tokens={"country:gb": [0, 0, 0, 0, 1, 0]})
    vectors, _ = ranking.user_vectors(model, from_visitor(VisitorHistory(feature_tokens=["country:gb", "country:xx"],
                                                                         events=[("i1", 1.0, 0.0)]), model.embeddings.item_index, {}, None))
    scale = model.embeddings.recent_items_scale
    assert vectors[0].tolist() == pytest.approx([0, scale, 0, 0, 1, 0])


def test_a_visitor_with_nothing_yet_is_scored_once_per_model_and_features():
    """A first page view's scores depend on the model and the visitor's feature tokens alone: remembered, yet filtered per call."""
    model = served([[0, 0, 0, 0, 0, 1]], ITEMS, popularity=[6, 5, 4, 3, 2, 1], weights={"hybrid": 0.5, "popularity": 0.5},
                   user_tokens={"country:gb": [0, 0, 0, 0, 1, 0]})
    stranger = VisitorHistory(feature_tokens=["country:gb"])
    first = ranking.rank(model, stranger, 6, 10 * DAY)
    block = ranking.score_block(model, from_visitor(stranger, model.embeddings.item_index, {}, None), 10 * DAY)[0]
    assert [score for _, score in first] == pytest.approx(sorted(block, reverse=True))
    assert len(model._blank_scores) == 1
    on_a_product_page = ranking.rank(model, stranger, 6, 20 * DAY, exclude_item_ids=[first[0][0]])
    assert [item for item, _ in on_a_product_page] == [item for item, _ in first[1:]], "remembered scores, this call's exclusions"
    assert [item for item, _ in ranking.rank(model, stranger, 6, 10 * DAY)] == [item for item, _ in first], "the exclusion did not stick"
    elsewhere = ranking.rank(model, VisitorHistory(feature_tokens=["country:de"]), 6, 10 * DAY)
    assert len(model._blank_scores) == 2 and elsewhere[0][0] != first[0][0]
    viewed = ranking.rank(model, VisitorHistory(feature_tokens=["country:gb"], events=[("i0", 1.0, 9 * DAY)], recent_views=["i0"]), 6, 10 * DAY)
    assert len(model._blank_scores) == 2 and "i0" not in [item for item, _ in viewed], "a history is scored, not remembered"


def test_each_history_bucket_gets_its_own_weights():
    model = served([[6, 5, 4, 3, 2, 1]] * 3, ITEMS, popularity=[1, 2, 3, 4, 5, 60],
                   weights={"hybrid": 1.0})
    model.blend = BlendWeights({"hybrid": 1.0}, {"short": {"popularity": 1.0}})
    events = [(0, 1), (1, 1), (1, 2), (1, 3), (1, 4)]  # row 0: one item (short); row 1: four (medium); row 2: none (short)
    histories = Histories(n_rows=3, event_rows=[r for r, _ in events], event_items=[i for _, i in events],
                          event_weights=[1.0] * 5, event_times=[0.0] * 5, user_rows=[0, 1, 2])
    assert histories.buckets().tolist() == ["short", "medium", "short"]
    scores = ranking.score_block(model, histories, 0.0)
    assert scores[0].argmax() == 5 and scores[1].argmax() == 0 and scores[2].argmax() == 5


def test_served_models_survive_a_round_trip_and_old_artifacts_load_as_their_old_blend(tmp_path):
    model = served([[1, 2, 3, 4, 5, 6]], ITEMS, popularity=[3, 2, 1, 0, 0, 9], weights={"hybrid": 0.3, "knn": 0.2, "repeat": 0.5},
                   repeat=repeat_model(), trained_until=123.0)
    model.item_to_item["knn"] = item_to_item.knn(sp.csr_matrix(np.ones((3, 6), np.float32)), item_to_item.KnnParams(2, 1.0, None, 14.0))
    model.blend.by_bucket["short"] = {"popularity": 1.0}
    served_model.save(model, tmp_path / "v1")
    loaded = served_model.load(tmp_path / "v1")
    assert loaded.blend.to_document() == model.blend.to_document() and loaded.trained_until == 123.0
    assert loaded.popularity.tolist() == model.popularity.tolist()
    assert (loaded.item_to_item["knn"].matrix != model.item_to_item["knn"].matrix).nnz == 0
    assert loaded.item_to_item["knn"].history_half_life_days == 14.0 and loaded.repeat.signal_scale == 0.1
    visitor = VisitorHistory(user_id="u0", purchases=[("i1", 0.0, 1.0)], events=[("i1", 1.0, 0.0)])
    assert ranking.rank(loaded, visitor, 6, DAY) == ranking.rank(model, visitor, 6, DAY)
    (tmp_path / "v1" / served_model.SERVED_JSON).unlink()
    model.embeddings.metadata["blend_weight"] = 0.8
    served_model.model.save(model.embeddings, tmp_path / "v1")
    legacy = served_model.load(tmp_path / "v1")
    assert legacy.blend.default == {"hybrid": 0.8, "popularity": pytest.approx(0.2)} and legacy.repeat is None


def test_a_visitor_the_model_was_not_trained_on_has_a_bucket_of_its_own_until_the_history_grows():
    events = [(0, 1), (1, 1), (2, 1), (2, 2), (2, 3)]  # rows 0 and 1: one item each; row 2: three (medium)
    histories = Histories(n_rows=3, event_rows=[r for r, _ in events], event_items=[i for _, i in events],
                          event_weights=[1.0] * 5, event_times=[0.0] * 5, user_rows=[0, -1, -1])
    assert histories.buckets().tolist() == ["short", "new", "medium"]
    model = served([[6, 5, 4, 3, 2, 1]], ITEMS, popularity=[1, 2, 3, 4, 5, 60], weights={"hybrid": 1.0})
    model.blend = BlendWeights.from_document({"default": {"hybrid": 1.0}, "by_bucket": {"new": {"popularity": 1.0}}})
    assert model.blend.for_bucket("new") == {"popularity": 1.0} and model.blend.for_bucket("short") == {"hybrid": 1.0}
    scores = ranking.score_block(model, Histories(n_rows=2, event_rows=[0, 1], event_items=[1, 1], event_weights=[1.0, 1.0],
                                                  event_times=[0.0, 0.0], user_rows=[0, -1]), 0.0)
    assert scores[0].argmax() == 0 and scores[1].argmax() == 5


def test_a_restock_is_due_once_the_hazards_expected_interval_has_passed_and_until_its_age_limit():
    # i0 bought on days 0, 10, 20; i1 on days 0 and 5; i2 once. The hazard's interval is censored and shrunk:
    # rate = (strength + n - 1) / (strength / product_rate + days since the first purchase), interval = 1 / rate.
    purchases = [("i0", 0.0, 1.0), ("i0", 10 * DAY, 1.0), ("i0", 20 * DAY, 1.0), ("i1", 0.0, 1.0), ("i1", 5 * DAY, 1.0),
                 ("i2", 0.0, 1.0)]
    visitor = VisitorHistory(user_id="u0", purchases=purchases)
    model = served([[6, 5, 4, 3, 2, 1]], ITEMS, repeat=repeat_model())

    def due(day):
        return [item for item, _ in ranking.due_restocks(model, visitor, day * DAY)]

    # i0: (age + 1) >= interval  <=>  (day - 20 + 1) >= (0.5 / 0.01 + day) / 2.5  <=>  day >= 65
    assert due(64.9) == [] and due(65.1) == ["i0"]
    # i1: (day - 5 + 1) >= (50 + day) / 1.5  <=>  day >= 112; bought three times, i0 is the likelier restock
    assert due(111.9) == ["i0"] and due(112.1) == ["i0", "i1"]
    probabilities = dict(ranking.due_restocks(model, visitor, 112.1 * DAY))
    assert 0 < probabilities["i1"] < probabilities["i0"] < 1
    # Past the age limit (365 days since the last purchase) it is discovery again; bought once, i2 is never due.
    assert due(20 + 365.5) == [] and "i2" not in due(200)
    assert ranking.due_restocks(served([[6, 5, 4, 3, 2, 1]], ITEMS), visitor, 100 * DAY) == []  # no hazard, no reminder
