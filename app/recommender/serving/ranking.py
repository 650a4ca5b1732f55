"""The served ranking for one visitor from the model's embeddings, blended with popularity."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.recommender.serving import blend
from app.recommender.serving import embeddings as model


def recommend(
    emb: model.Embeddings,
    k: int = 10,
    *,
    user_id=None,
    feature_tokens: Sequence[str] = (),
    recent_item_ids: Sequence = (),
    exclude_item_ids: Sequence = (),
) -> list[tuple[object, float]]:
    """The served ranking for one visitor: ``[(item_id, score)]``, best first.

    Known user: their trained vector; unknown: folded in from ``feature_tokens``;
    either way ``recent_item_ids`` (this session's views) are folded in too.
    Scores are blended with popularity by the weight chosen at training.
    """
    vector, bias = model.fold_in_user(emb, feature_tokens, recent_item_ids, user_id=user_id)
    scores = model.score_user(emb, vector, bias)
    weight = float(emb.metadata.get("blend_weight", 1.0))
    served = blend.blend(scores, _prior(emb), weight)
    exclude = [emb.item_index[item] for item in exclude_item_ids if item in emb.item_index]
    return [(emb.item_ids[i], float(served[i])) for i in model.top_k(served, k, exclude)]


def _prior(emb: model.Embeddings) -> np.ndarray:
    # Cached on the object: computed once per loaded model, not per request.
    prior = emb.__dict__.get("_popularity_prior")
    if prior is None:
        prior = emb.__dict__["_popularity_prior"] = blend.popularity_prior(emb.item_popularity)
    return prior
