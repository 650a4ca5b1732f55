"""Small hand-made served models for unit tests of the ranking (no LightFM fit)."""
from __future__ import annotations

import numpy as np

from app.recommender.serving.blend import BlendWeights
from app.recommender.serving.embeddings import Embeddings
from app.recommender.serving.served_model import ServedModel


def embeddings(user_vectors, item_vectors, item_ids=None, user_ids=None, user_tokens=None) -> Embeddings:
    user_vectors = np.asarray(user_vectors, np.float32)
    item_vectors = np.asarray(item_vectors, np.float32)
    tokens = user_tokens or {}
    return Embeddings(
        item_ids=item_ids or [f"i{n}" for n in range(len(item_vectors))],
        item_vectors=item_vectors, item_biases=np.zeros(len(item_vectors), np.float32),
        user_ids=user_ids or [f"u{n}" for n in range(len(user_vectors))],
        user_vectors=user_vectors, user_biases=np.zeros(len(user_vectors), np.float32),
        user_feature_names=list(tokens), user_feature_vectors=np.asarray(list(tokens.values()), np.float32).reshape(len(tokens), -1)
        if tokens else None, user_feature_biases=np.zeros(len(tokens), np.float32) if tokens else None,
        item_popularity=np.arange(len(item_vectors), dtype=np.float32),
    )


def served(user_vectors, item_vectors, popularity=None, weights=None, **kwargs) -> ServedModel:
    emb = embeddings(user_vectors, item_vectors, **{k: kwargs.pop(k) for k in ("item_ids", "user_ids", "user_tokens") if k in kwargs})
    popularity = np.asarray(popularity if popularity is not None else np.ones(len(item_vectors)), np.float32)
    return ServedModel(emb, popularity, BlendWeights(weights or {"hybrid": 1.0}), **kwargs)
