import numpy as np
import pytest

from app.recommender.serving import embeddings as model
from app.recommender.serving import ranking
from app.recommender.serving.history import VisitorHistory
from app.recommender.training import lightfm_model, pipeline
from app.recommender.training.features import Interactions, build_training_data
from app.recommender.training.lightfm_model import HyperParameters


@pytest.fixture(scope="module")
def trained():
    """A tiny shop: two tastes (mugs, socks), items and users with features."""
    rng = np.random.default_rng(1)
    items = {f"mug{i}": ["word:mug", "category:kitchen"] for i in range(10)}
    items.update({f"sock{i}": ["word:sock", "category:clothing"] for i in range(10)})
    users = {f"u{i}": [f"country:{'gb' if i % 2 else 'de'}"] for i in range(40)}
    rows = []
    for i in range(40):
        kind = "sock" if i % 2 else "mug"
        for j in rng.choice(10, size=5, replace=False):
            rows.append((f"u{i}", f"{kind}{j}", 1.0, float(len(rows))))
    data = build_training_data(Interactions.from_tuples(rows), items, users)
    fitted = lightfm_model.fit(data, HyperParameters(no_components=8, epochs=30, num_threads=1), seed=0)
    return fitted, data, lightfm_model.embeddings_from_model(fitted, data)


def test_embeddings_reproduce_lightfm_predictions(trained):
    fitted, data, emb = trained
    user = 3
    expected = fitted.predict(user, np.arange(len(data.item_ids), dtype=np.int32), item_features=data.item_features, user_features=data.user_features)
    got = model.score_user(emb, emb.user_vectors[user], emb.user_biases[user])
    assert got.dtype == np.float32
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-4)
    assert model.score_users(emb, np.array([user]))[0] == pytest.approx(got, rel=1e-5, abs=1e-5)
    assert set(emb.item_feature_names) == {"word:mug", "word:sock", "category:kitchen", "category:clothing"}


def test_top_k_orders_excludes_and_matches_a_full_sort():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=500)
    exclude = [int(i) for i in np.argsort(-scores)[:3]] + [7]
    got = model.top_k(scores, 10, exclude)
    brute = [i for i in np.argsort(-scores, kind="stable") if i not in exclude][:10]
    assert got.tolist() == brute
    assert model.top_k(scores[:3], 10, [0]).tolist() == sorted([1, 2], key=lambda i: -scores[i])
    assert model.top_k(scores, 0).tolist() == []


def test_fold_in_cold_user_from_features_and_recent_items(trained):
    _, _, emb = trained
    vector, bias = model.fold_in_user(emb, ["country:gb", "country:unknown"])
    scores = model.score_user(emb, vector, bias)
    assert np.ptp(scores) > 0  # features alone give a ranking, not a constant
    # A British visitor (odd users: socks) gets socks first.
    top = [emb.item_ids[i] for i in model.top_k(scores, 5)]
    assert all(item.startswith("sock") for item in top)
    # A visitor with no features who just viewed mugs gets mugs.
    vector, bias = model.fold_in_user(emb, [], ["mug1", "mug2", "unknown-item"])
    top = [emb.item_ids[i] for i in model.top_k(model.score_user(emb, vector, bias), 5)]
    assert all(item.startswith("mug") for item in top)
    # Nothing known: the zero vector, scores are the item biases.
    vector, _ = model.fold_in_user(emb, ["country:xx"])
    assert not vector.any()


def test_similar_items_for_a_new_item_from_features_alone(trained):
    _, _, emb = trained
    vector, _ = model.item_vector_from_features(emb, ["word:mug", "category:kitchen", "word:unseen"])
    similar = model.similar_items(emb, vector, k=5)
    assert len(similar) == 5 and all(item.startswith("mug") for item, _ in similar)
    neighbours = model.similar_items(emb, "sock3", k=4)
    assert "sock3" not in [item for item, _ in neighbours]
    assert all(item.startswith("sock") for item, _ in neighbours)
    extended = model.add_items(emb, {"mug-new": ["word:mug"], "mug1": ["word:mug"]})
    assert extended.item_ids[-1] == "mug-new" and len(extended.item_ids) == len(emb.item_ids) + 1


def test_save_load_round_trip(trained, tmp_path):
    _, _, emb = trained
    emb.metadata["blend_weight"] = 0.7
    model.save(emb, tmp_path / "model")
    loaded = model.load(tmp_path / "model")
    for name in ("item_vectors", "item_biases", "user_vectors", "user_biases", "item_feature_vectors", "user_feature_biases", "item_popularity"):
        assert np.array_equal(getattr(loaded, name), getattr(emb, name))
        assert getattr(loaded, name).dtype == np.float32
    assert loaded.item_ids == emb.item_ids and loaded.user_feature_names == emb.user_feature_names
    assert loaded.metadata["blend_weight"] == 0.7
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["embeddings.json", "embeddings.npz"]


def test_train_recommender_and_rank_end_to_end():
    rng = np.random.default_rng(2)
    rows = []
    for i in range(60):
        kind = "sock" if i % 2 else "mug"
        for j in rng.choice(12, size=6, replace=False):
            rows.append((f"u{i}", f"{kind}{j}", 1.0, float(rng.integers(0, 10**6))))
    items = {f"{kind}{j}": [f"word:{kind}"] for kind in ("mug", "sock") for j in range(13)}
    options = pipeline.TrainingOptions(hyperparameters=HyperParameters(no_components=8, epochs=20, num_threads=1), k=3)
    trained = pipeline.train_recommender(Interactions.from_tuples(rows), items, None, options)
    served = trained.served
    assert {"mug12", "sock12"} <= set(served.embeddings.item_ids)  # catalog items without interactions, from features
    assert served.popularity[served.embeddings.item_index["mug12"]] > 0  # a cold item's prior: its neighbours', not zero
    assert trained.validation["served"]["precision_at_k"] >= trained.validation["recent_popularity"]["precision_at_k"]
    now = 10.0**6
    known = ranking.rank(served, VisitorHistory(user_id="u1"), 4, now, exclude_item_ids=["sock0"])
    assert len(known) == 4 and "sock0" not in [item for item, _ in known]
    newcomer = VisitorHistory(events=[("mug3", 1.0, now)], recent_views=["mug3"])
    anonymous = ranking.rank(served, newcomer, 3, now)
    assert len(anonymous) == 3 and "mug3" not in [item for item, _ in anonymous]  # a recent view never comes back
