"""Choosing the blend's weights on the validation slice: forward selection with the one-standard-error rule.

Start from recent popularity alone. At each step try adding each remaining
signal with a share ``a`` of the weight (the rest scaled by ``1 - a``), on a
grid; keep the best addition only if it beats the current blend by more
than one standard error of the paired per-user difference in precision@k.
So a signal earns its place by more than the noise, and the chosen blend is
never below recent popularity on the users it was chosen on.

Weights are chosen on the known visitors (discovery), then per history
bucket (serving/history.py), new visitors folded in from two events being
a bucket of their own: a bucket keeps its own weights only when they beat
the default ones on its users by the same rule (so what helps newcomers is
never forced on known customers with a short history). The repeat signal is
added last, on the repeat view (bought products may come back), on top of
the discovery weights.

Scale: at most ``max_users`` sampled validation users, scored in blocks
whose signals are computed once per step and dropped after it (no cache of
scores across steps), and no AUC (top k only). Memory is a few blocks of
rows x items, whatever the number of users.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.recommender.serving.blend import POPULARITY_ONLY, BlendWeights, blend_by_bucket
from app.recommender.serving.history import BUCKET_NAMES
from app.recommender.serving.ranking import allows_purchases, apply_filters, signal_block
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import metrics
from app.recommender.training.views import View

SHARES = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
# The repeat signal is 0 on every product a customer never bought: at a share of 1 the rest of the blend
# would vanish and those products would come in catalog order (a run on Online Retail chose exactly
# that by noise, 1.0 over 0.7 on the repeat view). Below 1 they keep the discovery order.
REPEAT_SHARES = tuple(share for share in SHARES if share < 1.0)
DISCOVERY_SIGNALS = ("ease", "knn", "hybrid")
REWEIGHT_FACTORS = (0.5, 2.0)
REWEIGHT_ROUNDS = 2
MIN_BUCKET_USERS = 50
# A bucket holding nearly every user of the default search would repeat it on the same users.
POOLED_SHARE = 0.9
MAX_USERS = 5000


@dataclass
class Choice:
    weights: BlendWeights
    steps: list[dict] = field(default_factory=list)  # what was tried and kept, for the model page and docs


def sample_rows(n_rows: int, max_users: int, seed: int) -> np.ndarray:
    if n_rows <= max_users:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, max_users, replace=False))


def compare(served: ServedModel, view: View, rows: np.ndarray, candidates: list[dict[str, float] | BlendWeights], k: int) -> list[dict]:
    """Per-row precision@k and nDCG@k of each candidate weighting on ``rows``, the signals computed once per block.

    A candidate is one weighting for everyone, or a ``BlendWeights`` applied
    per history bucket; bought products may come back exactly when it has a
    repeat weight, as in serving (ranking.apply_filters).
    """
    candidates = [c if isinstance(c, BlendWeights) else BlendWeights(c) for c in candidates]
    names = set().union(*(c.signals() for c in candidates))
    parts = [{"precision_at_k": [], "ndcg_at_k": []} for _ in candidates]
    size = metrics.block_rows(served.n_items, arrays=metrics.TOP_K_COPIES + 2 * len(names))
    for start in range(0, len(rows), size):
        block = rows[start : start + size]
        histories = view.histories.subset(block)
        signals = signal_block(served, histories, view.now, names)
        buckets = histories.buckets()
        relevant = view.relevant[block].toarray() > 0
        for part, weights in zip(parts, candidates):
            scores = apply_filters(blend_by_bucket(signals, weights, buckets, served.n_items), histories, allows_purchases(weights))
            result = metrics.block_metrics(scores, relevant, k, with_auc=False)
            for name in part:
                part[name].append(result[name])
    return [{name: np.concatenate(values) if values else np.empty(0) for name, values in part.items()} for part in parts]


def _mean(result: dict) -> tuple[float, float]:
    return float(np.mean(result["precision_at_k"])), float(np.mean(result["ndcg_at_k"]))


def beats(new: dict, current: dict) -> tuple[bool, float, float]:
    """One-standard-error rule on the paired per-row precision difference: ``(kept, mean diff, its SE)``."""
    diff = new["precision_at_k"] - current["precision_at_k"]
    if len(diff) < 2:
        return False, float(diff.mean()) if len(diff) else 0.0, float("inf")
    se = float(diff.std(ddof=1) / np.sqrt(len(diff)))
    return float(diff.mean()) > se, float(diff.mean()), se


def _mixed(current: dict[str, float], signal: str, share: float) -> dict[str, float]:
    weights = {name: round(w * (1 - share), 4) for name, w in current.items() if w * (1 - share)}
    return weights | {signal: share}


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {name: round(w / total, 4) for name, w in weights.items() if w > 0}


def reweight(served: ServedModel, view: View, rows: np.ndarray, k: int, weights: dict, result: dict) -> tuple[dict, dict]:
    """Rebalance after an addition: the best single move (one weight halved or doubled, renormalised), while it helps.

    Forward selection fixes earlier weights; a new signal can make an old one
    partly redundant (EASE and kNN overlap), so the shares are revisited.
    """
    for _ in range(REWEIGHT_ROUNDS):
        if len(weights) < 2:
            break
        moves = [_normalised({**weights, name: weights[name] * factor}) for name in weights for factor in REWEIGHT_FACTORS]
        results = compare(served, view, rows, moves, k)
        best = max(range(len(moves)), key=lambda n: (_mean(results[n]), -n))
        if _mean(results[best]) <= _mean(result):
            break
        weights, result = moves[best], results[best]
    return weights, result


def forward_select(served: ServedModel, view: View, rows: np.ndarray, k: int, signals=DISCOVERY_SIGNALS) -> tuple[dict, dict, list]:
    """Greedy forward selection from popularity alone, rebalancing after each addition: ``(weights, per-row result, steps)``."""
    available = [name for name in signals if name in served.signals_available()]
    current = dict(POPULARITY_ONLY)
    current_result = compare(served, view, rows, [current], k)[0]
    steps = [{"weights": current, "precision_at_k": round(_mean(current_result)[0], 5)}]
    while available and len(rows):
        candidates = [_mixed(current, name, share) for name in available for share in SHARES]
        results = compare(served, view, rows, candidates, k)
        best = max(range(len(candidates)), key=lambda n: (_mean(results[n]), -n))
        added = next(name for name in available if name in candidates[best] and name not in current)
        trial, trial_result = reweight(served, view, rows, k, candidates[best], results[best])
        kept, gain, se = beats(trial_result, current_result)
        steps.append({"try": trial, "precision_at_k": round(_mean(trial_result)[0], 5), "gain": round(gain, 5),
                      "se": round(se, 5), "kept": kept})
        if not kept:
            break
        current, current_result = trial, trial_result
        available.remove(added)
    return current, current_result, steps


def choose_blend(served: ServedModel, view: View, k: int, max_users: int = MAX_USERS, seed: int = 0) -> Choice:
    """The discovery weights: by default those of the known visitors, then per history bucket.

    ``view`` holds known visitors (discovery) and new ones (folded in from a
    couple of events); the default weights are chosen on the known ones, and
    each bucket (new visitors have their own, "new") keeps its own weights only when
    they beat the default on its users by more than one standard error.
    """
    rows = sample_rows(view.relevant.shape[0], max_users, seed)
    known = rows[view.histories.user_rows[rows] >= 0]
    pooled_rows = known if len(known) else rows
    pooled, _, steps = forward_select(served, view, pooled_rows, k)
    choice = Choice(BlendWeights(pooled), [{"population": "known visitors", "users": len(pooled_rows), "steps": steps}])
    buckets = view.histories.buckets()[rows]
    for bucket in BUCKET_NAMES:
        members = rows[buckets == bucket]
        if len(members) < MIN_BUCKET_USERS or (len(members) >= POOLED_SHARE * len(pooled_rows) and set(members) <= set(pooled_rows)):
            why = "too few users" if len(members) < MIN_BUCKET_USERS else "nearly everyone: the default search"
            choice.steps.append({"population": bucket, "users": len(members), "kept": f"default ({why})"})
            continue
        own, own_result, own_steps = forward_select(served, view, members, k)
        default_result = compare(served, view, members, [pooled], k)[0]
        kept, gain, se = beats(own_result, default_result) if own != pooled else (False, 0.0, 0.0)
        if kept:
            choice.weights.by_bucket[bucket] = own
        choice.steps.append({"population": bucket, "users": len(members), "steps": own_steps, "own_weights": own,
                             "gain_over_default": round(gain, 5), "se": round(se, 5), "kept": "own" if kept else "default"})
    return choice


def add_repeat(served: ServedModel, view: View, weights: BlendWeights, k: int, max_users: int = MAX_USERS,
               seed: int = 0) -> Choice:
    """Give the repeat signal a share of every bucket's weights if that beats leaving bought products out (one-SE)."""
    if "repeat" not in served.signals_available() or not view.relevant.shape[0]:
        return Choice(weights, [{"population": "repeat", "kept": False, "why": "no repeat signal or no repeat users"}])
    rows = sample_rows(view.relevant.shape[0], max_users, seed)

    def with_share(share: float) -> BlendWeights:
        if not share:
            return weights
        return BlendWeights(_mixed(weights.default, "repeat", share),
                            {bucket: _mixed(w, "repeat", share) for bucket, w in weights.by_bucket.items()})

    shares = (0.0, *REPEAT_SHARES)
    candidates = [with_share(share) for share in shares]
    results = compare(served, view, rows, candidates, k)
    best = max(range(1, len(candidates)), key=lambda n: (_mean(results[n]), -n))
    kept, gain, se = beats(results[best], results[0])
    step = {"population": "repeat", "users": len(rows), "share": shares[best], "gain": round(gain, 5), "se": round(se, 5),
            "kept": kept, "precision_without": round(_mean(results[0])[0], 5), "precision_with": round(_mean(results[best])[0], 5)}
    return Choice(candidates[best] if kept else weights, [step])
