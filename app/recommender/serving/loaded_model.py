"""The active model of a shop, loaded from its artifact and cached per version."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ModelVersion
from app.recommender.serving import baskets, tokens
from app.recommender.serving import embeddings as model


@dataclass
class LoadedModel:
    version: str
    embeddings: model.Embeddings
    together: baskets.BoughtTogether
    repurchase_days: dict[str, float]

    def knows(self, item_id: str) -> bool:
        return item_id in self.embeddings.item_index

    def price_buckets(self) -> tokens.Buckets:
        return tokens.Buckets("price", tuple(self.embeddings.metadata.get("price_edges", ())))

    def vector_from_product(self, product) -> np.ndarray:
        """A product the model has not seen, represented from its catalog features alone."""
        product_tokens = tokens.item_tokens(
            title=product.title, category=product.category, vendor=product.vendor, tags=product.tags,
            price=float(product.price) if product.price is not None else None, price_buckets=self.price_buckets(),
        )
        vector, _bias = model.item_vector_from_features(self.embeddings, product_tokens)
        return vector


def active_model(session: Session, shop_id: int) -> LoadedModel | None:
    row = active_version(session, shop_id)
    if row is None or not row.artifact_path:
        return None
    return _load(row.version, row.artifact_path)


def loaded(version: str | None, artifact_path: str | None) -> LoadedModel | None:
    """A version known to be active (from the shop's in-memory state), loaded once per process."""
    if version is None or not artifact_path:
        return None
    return _load(version, artifact_path)


def active_version(session: Session, shop_id: int) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.shop_id == shop_id, ModelVersion.status == "active"))


@lru_cache(maxsize=16)
def _load(version: str, artifact_path: str) -> LoadedModel:
    # Keyed by version: a newly published version is a new key, so every
    # worker switches on its next request; old entries age out of the LRU.
    directory = Path(artifact_path)
    embeddings = model.load(directory)
    together, restock = baskets.load(directory, embeddings.item_ids)
    return LoadedModel(version, embeddings, together, restock)
