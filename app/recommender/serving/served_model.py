"""Everything the served ranking needs, in one object: embeddings, the other signals, and the blend.

Written into a model version's artifact directory next to the embeddings
(``served.json``: weights and settings; ``served.npz``: arrays). No pickle:
loading needs only numpy and scipy. An artifact written before the blend of
several signals existed loads as its old two-signal blend (hybrid and
all-time popularity), so a running shop keeps recommending until its next
training.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from app.recommender.serving import embeddings as model
from app.recommender.serving.blend import BlendWeights, popularity_prior
from app.recommender.serving.item_to_item import ItemToItem
from app.recommender.serving.repeat import RepeatModel

ITEM_TO_ITEM = ("ease", "knn")
SERVED_JSON = "served.json"
SERVED_ARRAYS = "served.npz"
FORMAT_VERSION = 1
BLANK_SCORES_KEPT = 256  # distinct feature-token sets remembered per model (device x source x country, mostly)


@dataclass
class ServedModel:
    """``popularity``: recent popularity per item (cold items: their features' neighbourhood's).

    ``trained_until``: the newest interaction training saw (unix seconds); a
    known visitor's later activity is folded in at request time.
    """

    embeddings: model.Embeddings
    popularity: np.ndarray
    blend: BlendWeights = field(default_factory=BlendWeights)
    item_to_item: dict[str, ItemToItem] = field(default_factory=dict)  # "ease" and/or "knn"
    repeat: RepeatModel | None = None
    trained_until: float | None = None
    settings: dict = field(default_factory=dict)  # how each signal was chosen (for people, not for scoring)
    # A visitor with no history yet (a first page view) is scored from their feature tokens alone: the same
    # scores for everyone with those tokens until the model changes, so computed once per model and tokens.
    _blank_scores: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_items(self) -> int:
        return len(self.embeddings.item_ids)

    @cached_property
    def popularity_z(self) -> np.ndarray:
        return popularity_prior(self.popularity)

    def signals_available(self) -> set[str]:
        available = {"popularity", "hybrid", *self.item_to_item}
        if self.repeat is not None:
            available.add("repeat")
        return available

    def blank_scores(self, feature_tokens: tuple, compute) -> np.ndarray:
        """``compute()`` for a history-less visitor with these tokens, remembered (read only: copy to filter)."""
        scores = self._blank_scores.get(feature_tokens)
        if scores is None:
            if len(self._blank_scores) >= BLANK_SCORES_KEPT:
                self._blank_scores.clear()
            scores = self._blank_scores[feature_tokens] = compute()
            scores.flags.writeable = False
        return scores

    def affinity_signal(self) -> str | None:
        """The item-to-item signal the repeat model reads as its affinity feature: EASE when there is one."""
        return next((name for name in ITEM_TO_ITEM if name in self.item_to_item), None)


def save(served: ServedModel, directory: Path | str) -> None:
    directory = Path(directory)
    model.save(served.embeddings, directory)
    arrays = {"popularity": np.asarray(served.popularity, np.float32)}
    document = {"format": FORMAT_VERSION, "blend": served.blend.to_document(), "trained_until": served.trained_until,
                "settings": served.settings}
    for name, signal in served.item_to_item.items():
        arrays.update(signal.to_arrays(f"{name}_"))
        document.setdefault("item_to_item", {})[name] = signal.to_document()
    if served.repeat is not None:
        arrays.update(served.repeat.to_arrays())
        document["repeat"] = served.repeat.to_document()
    np.savez(directory / SERVED_ARRAYS, **arrays)
    (directory / SERVED_JSON).write_text(json.dumps(document, default=float), encoding="utf-8")


def load(directory: Path | str) -> ServedModel:
    directory = Path(directory)
    emb = model.load(directory)
    if not (directory / SERVED_JSON).exists():
        weight = float(emb.metadata.get("blend_weight", 1.0))
        return ServedModel(emb, emb.item_popularity, BlendWeights({"hybrid": weight, "popularity": 1.0 - weight}))
    document = json.loads((directory / SERVED_JSON).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported served-model format {document.get('format')!r} in {directory}")
    with np.load(directory / SERVED_ARRAYS, allow_pickle=False) as arrays:
        item_to_item = {name: ItemToItem.from_saved(saved, arrays, f"{name}_")
                        for name, saved in document.get("item_to_item", {}).items() if name in ITEM_TO_ITEM}
        repeat = RepeatModel.from_saved(document["repeat"], arrays) if "repeat" in document else None
        popularity = arrays["popularity"].astype(np.float32)
    return ServedModel(
        emb, popularity, BlendWeights.from_document(document["blend"]), item_to_item, repeat,
        document.get("trained_until"), document.get("settings", {}),
    )
