"""The active model of a shop, loaded from its artifact and kept in memory while it is the active version.

A web worker holds, per shop, only the version its last request found
active. When a new version is published, the next request loads it while
other threads keep serving the old one; once loaded it replaces the old one,
which is then dropped. So at most two versions of a shop are in memory, and
only during a swap.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ModelVersion
from app.recommender.serving import baskets, served_model, tokens
from app.recommender.serving import embeddings as model


@dataclass
class LoadedModel:
    version: str
    served: served_model.ServedModel
    together: baskets.BoughtTogether

    @property
    def embeddings(self) -> model.Embeddings:
        return self.served.embeddings

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


_active: dict[int, LoadedModel] = {}
_loading: dict[tuple[int, str], threading.Lock] = {}
_guard = threading.Lock()


def active_model(session: Session, shop_id: int) -> LoadedModel | None:
    row = active_version(session, shop_id)
    if row is None:
        return None
    return loaded(shop_id, row.version, row.artifact_path)


def loaded(shop_id: int, version: str | None, artifact_path: str | None) -> LoadedModel | None:
    """The shop's active ``version`` (as its in-memory state or the database says), loaded once per process."""
    if version is None or not artifact_path:
        return None
    current = _active.get(shop_id)
    if current is not None and current.version == version:
        return current
    with _guard:
        lock = _loading.setdefault((shop_id, version), threading.Lock())
    with lock:  # one thread loads a new version; the others wait for it instead of loading it again
        current = _active.get(shop_id)
        if current is None or current.version != version:
            current = load(version, artifact_path)
            _active[shop_id] = current
    with _guard:
        _loading.pop((shop_id, version), None)
    return current


def active_version(session: Session, shop_id: int) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.shop_id == shop_id, ModelVersion.status == "active"))


def load(version: str, artifact_path: str) -> LoadedModel:
    directory = Path(artifact_path)
    served = served_model.load(directory)
    together = baskets.load(directory, served.embeddings.item_ids)
    return LoadedModel(version, served, together)


def cached_versions() -> dict[int, str]:
    """``{shop_id: version}`` held in memory by this process (for tests and health checks)."""
    return {shop_id: loaded.version for shop_id, loaded in _active.items()}


def clear_cache() -> None:
    _active.clear()
