"""Choosing each signal's settings on the validation slice, through the served ranking.

Every candidate is scored as the served model would be with that signal
alone (serving/ranking.py ``score_block``), on the same validation view and
by the same metric (precision@k, then nDCG@k), with grids of similar size.
So the baselines the served blend is compared with are tuned exactly like
its own parts: ``recent_popularity``, ``ease``, ``item_knn`` and, for
repeat purchase, ``times_bought_recency``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from app.recommender.serving.blend import BlendWeights
from app.recommender.serving.history import SECONDS_PER_DAY, Histories
from app.recommender.serving.item_to_item import ItemToItem
from app.recommender.serving.ranking import score_block
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import item_to_item, metrics, popularity
from app.recommender.training.views import View

EASE_L2 = (50.0, 200.0, 800.0)
# (co-occurrence half-life, history half-life) in days: this season's ranges, or all time with a fading visitor history.
DECAYS = ((30.0, 60.0), (None, 14.0))
KNN_NEIGHBOURS = (50, 200)
KNN_SHRINKAGE = (20.0, 100.0)  # 0 measured far worse on Online Retail: rare pairs dominate
TIMES_BOUGHT_HALF_LIVES = (14.0, 30.0, 90.0, 180.0, 365.0, None)


@dataclass
class Tuned:
    """The chosen settings of one model, and every candidate's validation precision@k."""

    name: str
    params: dict
    per_user: dict  # the chosen candidate's per-row metrics on the view (metrics.per_user)
    grid: list[dict]


def alone(name: str) -> BlendWeights:
    return BlendWeights({name: 1.0})


def evaluate(served: ServedModel, view: View, weights: BlendWeights | None, k: int, rows: np.ndarray | None = None,
             with_auc: bool = True) -> dict:
    """Per-row metrics of the served ranking (with ``weights`` instead of the model's own, if given) on ``view``."""

    def score(block: np.ndarray) -> np.ndarray:
        return score_block(served, view.histories.subset(block), view.now, weights)

    return per_user(score, view, k, rows, with_auc)


def per_user(score: Callable[[np.ndarray], np.ndarray], view: View, k: int, rows: np.ndarray | None = None,
             with_auc: bool = True) -> dict:
    if with_auc:
        return metrics.per_user(score, view.relevant, k, rows)
    return top_k_only(score, view, k, rows)


def top_k_only(score: Callable[[np.ndarray], np.ndarray], view: View, k: int, rows: np.ndarray | None = None) -> dict:
    """precision@k and nDCG@k per row, no AUC (cheap enough to compare many candidates)."""
    rows = np.arange(view.relevant.shape[0]) if rows is None else np.asarray(rows)
    size = metrics.block_rows(view.relevant.shape[1])
    parts = {"precision_at_k": [], "ndcg_at_k": []}
    for start in range(0, len(rows), size):
        block = rows[start : start + size]
        result = metrics.block_metrics(np.asarray(score(block)), view.relevant[block].toarray() > 0, k, with_auc=False)
        for name in parts:
            parts[name].append(result[name])
    return {name: np.concatenate(values) if values else np.empty(0) for name, values in parts.items()} | {"rows": rows}


def _key(result: dict) -> tuple[float, float]:
    return float(np.mean(result["precision_at_k"])), float(np.mean(result["ndcg_at_k"]))


def choose(name: str, candidates: Iterable[tuple[dict, Callable[[], dict]]]) -> Tuned:
    """The candidate with the best validation precision@k (ties: nDCG@k, then the first listed)."""
    best, grid = None, []
    for params, run in candidates:
        result = run()
        grid.append({**params, "precision_at_k": round(_key(result)[0], 5)})
        if best is None or _key(result) > _key(best[1]):
            best = (params, result)
    if best is None:
        raise ValueError(f"{name}: nothing to choose from")
    return Tuned(name, best[0], best[1], grid)


def tune_popularity(served: ServedModel, view: View, items: np.ndarray, latest: np.ndarray, k: int,
                    rows: np.ndarray | None = None) -> tuple[Tuned, dict[popularity.PopularityParams, np.ndarray]]:
    """``recent_popularity``: window or half-life, each over ``popularity.GRID_DAYS``."""
    vectors = {params: popularity.recent_popularity(items, latest, served.n_items, view.now, params) for params in popularity.grid()}

    def run(params):
        return lambda: top_k_only(_scorer(replace(served, popularity=vectors[params]), view, alone("popularity")), view, k, rows)

    tuned = choose("recent_popularity", ((params.to_dict(), run(params)) for params in vectors))
    return tuned, vectors


def tune_item_to_item(served: ServedModel, view: View, matrices: Callable[[float | None], object], k: int,
                      rows: np.ndarray | None = None) -> dict[str, tuple[Tuned, ItemToItem]]:
    """``ease`` and ``item_knn`` together (catalogs up to EASE_MAX_ITEMS), one Gram matrix per decay shared by both.

    Coordinate search, as each EASE fit is a dense inverse: first the decays
    (EASE at the middle L2, kNN at its first settings), then the other
    settings at each one's better decay. ``matrices(train_half_life)`` gives
    the users x items training matrix.
    """
    grams: dict = {}
    fitted: dict = {}

    def gram_for(train_half_life):
        if train_half_life not in grams:
            grams.clear()  # one Gram matrix (n_items squared) at a time
            grams[train_half_life] = item_to_item.gram(matrices(train_half_life))
        return grams[train_half_life]

    def ease_candidate(decay, l2):
        params = item_to_item.EaseParams(l2, *decay)
        fitted[params] = item_to_item.ease(gram_for(decay[0]), params)
        return vars(params), _run_i2i(served, view, "ease", fitted[params], k, rows)

    def knn_candidate(decay, neighbours, shrinkage):
        params = item_to_item.KnnParams(neighbours, shrinkage, *decay)
        fitted[params] = item_to_item.knn_from_gram(gram_for(decay[0]), params)
        return vars(params), _run_i2i(served, view, "knn", fitted[params], k, rows)

    middle, first = EASE_L2[len(EASE_L2) // 2], (KNN_NEIGHBOURS[0], KNN_SHRINKAGE[0])
    by_decay = [(ease_candidate(decay, middle), knn_candidate(decay, *first)) for decay in reversed(DECAYS)]
    ease_by_decay = choose("ease", [pair[0] for pair in by_decay])
    knn_by_decay = choose("item_knn", [pair[1] for pair in by_decay])
    ease_others = choose("ease", [ease_candidate(_decay(ease_by_decay), l2) for l2 in EASE_L2 if l2 != middle])
    knn_others = choose("item_knn", [knn_candidate(_decay(knn_by_decay), *other) for other in _knn_others(first)])
    grams.clear()
    result = {}
    for name, stage_one, stage_two, kind in (("ease", ease_by_decay, ease_others, item_to_item.EaseParams),
                                               ("item_knn", knn_by_decay, knn_others, item_to_item.KnnParams)):
        tuned = stage_two if _key(stage_two.per_user) > _key(stage_one.per_user) else stage_one
        tuned.grid = stage_one.grid + stage_two.grid
        result[name] = (tuned, fitted[kind(**tuned.params)])
    return result


def _decay(tuned: Tuned) -> tuple:
    return tuned.params["train_half_life_days"], tuned.params["history_half_life_days"]


def _knn_others(first: tuple) -> list[tuple]:
    return [(n, first[1]) for n in KNN_NEIGHBOURS[1:]] + [(first[0], s) for s in KNN_SHRINKAGE[1:]]


def tune_knn(served: ServedModel, view: View, matrices: Callable[[float | None], object], k: int,
             rows: np.ndarray | None = None) -> tuple[Tuned, ItemToItem]:
    """``item_knn`` alone, from sparse co-occurrence (catalogs too big for a dense Gram matrix): the same coordinate search."""
    fitted: dict = {}

    def candidate(decay, neighbours, shrinkage):
        params = item_to_item.KnnParams(neighbours, shrinkage, *decay)
        fitted[params] = item_to_item.knn(matrices(decay[0]), params)
        return vars(params), _run_i2i(served, view, "knn", fitted[params], k, rows)

    first = (KNN_NEIGHBOURS[0], KNN_SHRINKAGE[0])
    by_decay = choose("item_knn", (candidate(decay, *first) for decay in DECAYS))
    decay = (by_decay.params["train_half_life_days"], by_decay.params["history_half_life_days"])
    by_other = choose("item_knn", (candidate(decay, *other) for other in _knn_others(first)))
    tuned = by_other if _key(by_other.per_user) > _key(by_decay.per_user) else by_decay
    tuned.grid = by_decay.grid + by_other.grid
    return tuned, fitted[item_to_item.KnnParams(**tuned.params)]


def _run_i2i(served: ServedModel, view: View, name: str, i2i: ItemToItem, k: int, rows) -> Callable[[], dict]:
    model = replace(served, item_to_item={name: i2i})
    return lambda: top_k_only(_scorer(model, view, alone(name)), view, k, rows)


def _scorer(served: ServedModel, view: View, weights: BlendWeights) -> Callable[[np.ndarray], np.ndarray]:
    return lambda block: score_block(served, view.histories.subset(block), view.now, weights)


def times_bought_recency(histories: Histories, n_items: int, now: float, half_life_days: float | None) -> np.ndarray:
    """The repeat baseline: times bought (distinct days) x ``0.5 ** (days since last bought / half_life)``; ``-inf`` if never bought."""
    scores = np.full((histories.n_rows, n_items), -np.inf)
    if not len(histories.purchase_rows):
        return scores
    days = np.floor(histories.purchase_times / SECONDS_PER_DAY).astype(np.int64)
    keys = np.unique(np.stack([histories.purchase_rows * n_items + histories.purchase_items, days], axis=1), axis=0)
    pair, times = np.unique(keys[:, 0], return_counts=True)
    last = np.full(histories.n_rows * n_items, -np.inf)
    np.maximum.at(last, histories.purchase_rows * n_items + histories.purchase_items, histories.purchase_times)
    age = np.maximum(now - last[pair], 0.0) / SECONDS_PER_DAY
    scores.flat[pair] = times * (0.5 ** (age / half_life_days) if half_life_days else 1.0)
    return scores


def tune_times_bought_recency(view: View, n_items: int, k: int, rows: np.ndarray | None = None) -> Tuned:
    def run(half_life):
        return lambda: top_k_only(
            lambda block: times_bought_recency(view.histories.subset(block), n_items, view.now, half_life), view, k, rows
        )

    return choose("times_bought_recency", (({"half_life_days": h}, run(h)) for h in TIMES_BOUGHT_HALF_LIVES))
