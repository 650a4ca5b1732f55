"""Paired bootstrap over users: 95% intervals for every model's metrics and for the ratio served / baseline.

Paired: each resample draws the same users for every model, so a ratio's
interval reflects how much the two models differ on the same people, not
how much users differ from each other. Percentile intervals, ``B``
resamples from one seeded generator (reproducible).
"""
from __future__ import annotations

import numpy as np

DEFAULT_RESAMPLES = 1000


def interval(values: np.ndarray) -> tuple[float, float]:
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def paired(
    per_user: dict[str, dict[str, np.ndarray]], reference: str, metrics: tuple[str, ...], resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> dict:
    """``{"models": {name: {metric: {mean, low, high}}}, "ratios": {baseline: {metric: {ratio, low, high}}}}``.

    Every model's arrays must be over the same users in the same order.
    A ratio is ``mean(reference) / mean(baseline)`` within each resample;
    resamples where the baseline's mean is 0 are left out of its interval.
    """
    sizes = {len(result[metrics[0]]) for result in per_user.values()}
    if len(sizes) != 1:
        raise ValueError(f"models were evaluated on different users: sizes {sorted(sizes)}")
    n = sizes.pop()
    if n == 0:
        return {"models": {}, "ratios": {}, "users": 0, "resamples": resamples}
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    means = {name: {metric: result[metric][draws].mean(axis=1) for metric in metrics} for name, result in per_user.items()}
    models = {}
    for name, result in per_user.items():
        models[name] = {}
        for metric in metrics:
            low, high = interval(means[name][metric])
            models[name][metric] = {"mean": float(np.mean(result[metric])), "low": low, "high": high}
    ratios = {}
    for name, result in per_user.items():
        if name == reference or reference not in per_user:
            continue
        ratios[name] = {}
        for metric in metrics:
            ours, theirs = means[reference][metric], means[name][metric]
            defined = theirs > 0
            point_theirs = float(np.mean(result[metric]))
            point = float(np.mean(per_user[reference][metric])) / point_theirs if point_theirs > 0 else None
            if not defined.any():
                ratios[name][metric] = {"ratio": point, "low": None, "high": None}
                continue
            low, high = interval(ours[defined] / theirs[defined])
            ratios[name][metric] = {"ratio": point, "low": low, "high": high}
    return {"models": models, "ratios": ratios, "users": n, "resamples": resamples}
