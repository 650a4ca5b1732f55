import numpy as np
import pytest

from app.recommender.serving import tokens
from app.recommender.serving.tokens import Buckets
from app.recommender.training import features
from app.recommender.training.features import Interactions, build_training_data


def test_title_tokens_lowercase_drop_stop_words_short_tokens_and_duplicates():
    assert tokens.title_tokens("JUMBO Bag of the RED Retrospot, red 3 XL 2011") == [
        "word:jumbo",
        "word:bag",
        "word:red",
        "word:retrospot",
    ]
    assert tokens.title_tokens(None) == []


def test_item_and_user_tokens():
    buckets = Buckets.fit([1, 2, 3, 4, 5, 6, 7, 8], n_buckets=4)
    mug = tokens.item_tokens("Blue Mug", category="Kitchen", vendor=" ACME  Co ", tags=["gift", "Gift", ""], price=7.5, price_buckets=buckets)
    assert mug == ["word:blue", "word:mug", "category:kitchen", "vendor:acme co", "tag:gift", "price:3"]
    assert tokens.user_tokens(country="GB", device="mobile", source="google", stage="browsing") == [
        "country:gb",
        "device:mobile",
        "source:google",
        "stage:browsing",
    ]


def test_price_buckets_are_quantiles_of_the_catalog():
    buckets = Buckets.fit([1, 1, 2, 10, 100, 1000, None], n_buckets=3)
    assert buckets.token(0.5) == ["price:0"]
    assert buckets.token(5000) == ["price:2"]
    assert buckets.token(None) == []


def test_weights_and_decay():
    assert tokens.weight_for("product_view") < tokens.weight_for("add_to_cart") < tokens.weight_for("purchase")
    with pytest.raises(ValueError):
        tokens.weight_for("page_view")
    assert features.recency_decay(30 * 86400, 30) == pytest.approx(0.5)
    assert features.recency_decay(0, 30) == pytest.approx(1.0)
    assert features.recency_decay(10**9, None) == 1.0


def test_aggregate_sums_repeated_pairs_with_decay():
    rows = Interactions.from_tuples([("u", "a", 1.0, 0), ("u", "a", 5.0, 86400), ("v", "a", 3.0, 86400)])
    users, items, weights = features.aggregate(rows, now=86400, half_life_days=1, compress=False)
    got = {(u, i): w for u, i, w in zip(users, items, weights)}
    assert got == {("u", "a"): pytest.approx(5.5), ("v", "a"): pytest.approx(3.0)}
    _, _, compressed = features.aggregate(rows, now=86400, half_life_days=1)
    assert sorted(compressed) == pytest.approx(sorted(np.log1p([5.5, 3.0])))


def test_build_training_data_identity_plus_normalised_tokens():
    rows = Interactions.from_tuples([("u1", "i1", 1.0, 0), ("u2", "i2", 5.0, 1), ("u2", "i1", 1.0, 2)])
    data = build_training_data(
        rows,
        {"i1": ["word:mug", "price:1"], "i2": ["word:mug"], "i9": ["word:never"]},
        {"u1": ["country:gb"]},
    )
    assert data.item_ids == ["i1", "i2"] and data.user_ids == ["u1", "u2"]
    assert "word:never" not in data.item_feature_names  # ids without interactions are not trained
    assert data.item_feature_names[:2] == ["i1", "i2"]  # identity features first
    dense = data.item_features.toarray()
    assert dense.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert dense[0, 0] == pytest.approx(1 / 3)
    assert data.user_features.toarray()[1].tolist() == [0.0, 1.0, 0.0]  # u2: identity only
    assert data.interactions.shape == (2, 2) and data.weights.tocsr()[1, 1] == pytest.approx(np.log1p(5.0))
    heavy = build_training_data(rows, {"i1": ["word:mug", "price:1"]}, None, identity_weight=2.0)
    assert heavy.item_features.toarray()[0, 0] == pytest.approx(0.5)
    assert heavy.user_features is None
