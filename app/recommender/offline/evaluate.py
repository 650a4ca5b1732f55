"""Offline evaluation: split in time, train the served pipeline and every baseline, measure with intervals.

``run`` is ``flask evaluate``: one protocol (protocols.py) per call, every
model on the inner validation slice and on the test period, paired
bootstrap intervals over users for every metric and for the ratio of the
reference model (``served``, or ``buy_again`` in the repeat protocol) to
each baseline. ``cold_start``: items held out of training entirely, scored
from their features alone (discovery only).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

from app.recommender.offline import bootstrap, protocols
from app.recommender.offline.csv_input import InputError
from app.recommender.serving import embeddings as model
from app.recommender.training import metrics
from app.recommender.training.features import Interactions
from app.recommender.training.pipeline import TrainingOptions, fit_embeddings, train_recommender
from app.recommender.training.splits import cold_item_split, temporal_split

BOOTSTRAP_METRICS = metrics.PER_USER_METRICS


def run(
    interactions: Interactions,
    item_features: dict[str, list[str]],
    user_features: dict[str, list[str]] | None,
    *,
    protocol: str = "discovery",
    purchases: Interactions | None = None,
    test_fraction: float = 0.2,
    k: int = 10,
    options: TrainingOptions | None = None,
    resamples: int = bootstrap.DEFAULT_RESAMPLES,
    with_cold_start: bool = True,
    with_lightfm_cf: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """The evaluation report of one protocol as a JSON-ready dict."""
    if protocol not in protocols.PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r} (one of {', '.join(protocols.PROTOCOLS)})")
    options = options or TrainingOptions(k=k)
    options.k = k
    say = progress or (lambda message: None)
    started = time.perf_counter()
    split = temporal_split(interactions, test_fraction)
    purchases = interactions if purchases is None else purchases
    before, after = (purchases.subset(purchases.timestamps < split.cutoff), purchases.subset(purchases.timestamps >= split.cutoff))
    say(f"temporal split at {_iso(split.cutoff)}: {len(split.train)} train rows, {len(split.later)} later rows")
    trained = train_recommender(split.train, item_features, user_features, options, purchases=before, now=split.cutoff,
                                add_cold_items=False, progress=say)
    if trained.details is None:
        raise InputError("too little history before the cutoff to carve a validation slice from it")
    tuned = protocols.tune_baselines(protocol, trained, k)
    validation_ctx, test_ctx = protocols.contexts(protocol, trained, tuned, split.train, split.cutoff)
    validation_view = trained.details.views[protocols.VIEW[protocol]]
    validation = protocols.per_user(protocols.scorers(protocol, validation_ctx), validation_view, k)
    say(f"validation: {_line(validation, k)}")
    view = protocols.test_view(protocol, split.train, before, after, split.later, trained.served, user_features, split.cutoff)
    test = protocols.per_user(protocols.scorers(protocol, test_ctx), view, k)
    if protocol == "discovery" and with_lightfm_cf:
        say("training lightfm_cf (ids only)")
        test["lightfm_cf"] = protocols.lightfm_cf(split.train, before, split.later, split.cutoff, options, k)
    say(f"test: {_line(test, k)}")
    reference = protocols.REFERENCE[protocol]
    report = {
        "protocol": protocol,
        "split": "temporal",
        "test_fraction": test_fraction,
        "k": k,
        "cutoff": _iso(split.cutoff),
        "validation_cutoff": _iso(trained.details.cutoff),
        "reference": reference,
        "data": {
            "interactions": len(interactions),
            "purchases": len(purchases),
            "users": int(len(set(interactions.user_ids.tolist()))),
            "items": int(len(set(interactions.item_ids.tolist()))),
            "train_items": trained.served.n_items,
            "validation_users": len(validation_view.user_ids),
            "test_users": len(view.user_ids),
            "item_features": len(trained.embeddings.item_feature_names),
            "user_features": len(trained.embeddings.user_feature_names),
        },
        "served": {"blend": trained.served.blend.to_document(), "settings": _rounded(trained.served.settings)},
        "tuned": {name: _rounded(_tuned_summary(value)) for name, value in _flat_tuned(tuned).items()},
        "hyperparameters": options.hyperparameters.to_dict(),
        "seed": options.seed,
        "validation": _section(validation, reference, resamples, options.seed),
        "test": _section(test, reference, resamples, options.seed),
        "notes": _notes(trained, tuned, protocol),
    }
    report["models"] = {name: {metric: value["mean"] for metric, value in result.items()} | {"coverage": test[name]["coverage"]}
                        for name, result in report["test"]["models"].items()}
    if protocol == "discovery" and with_cold_start:
        say("cold start: training without the held-out items")
        report["cold_start"] = cold_start(interactions, item_features, user_features, test_fraction, k, options)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _section(results: dict[str, dict], reference: str, resamples: int, seed: int) -> dict:
    summary = bootstrap.paired(results, reference, BOOTSTRAP_METRICS, resamples, seed)
    for name, result in results.items():
        summary["models"].setdefault(name, {})["coverage"] = {"mean": result["coverage"], "low": None, "high": None}
    return _rounded(summary)


def _line(results: dict[str, dict], k: int) -> str:
    return ", ".join(f"{name} P@{k} {np.mean(result['precision_at_k']):.4f}" for name, result in results.items())


def _flat_tuned(tuned: dict) -> dict:
    flat = {name: value for name, value in tuned.items() if name != "item_to_item"}
    flat.update({name: settings for name, (settings, _) in tuned["item_to_item"].items()})
    return flat


def _tuned_summary(tuned) -> dict:
    return {"params": tuned.params, "validation_precision_at_k": float(np.mean(tuned.per_user["precision_at_k"])), "grid": tuned.grid}


def _notes(trained, tuned: dict, protocol: str) -> list[str]:
    notes = []
    if "ease" not in trained.served.item_to_item:
        notes.append(f"ease skipped: {trained.served.n_items} items is above the dense limit")
    if trained.served.repeat is None:
        notes.append("no repeat signal: the training period holds no repeat purchase to learn from")
    return notes


def cold_start(
    interactions: Interactions,
    item_features: dict[str, list[str]],
    user_features: dict[str, list[str]] | None,
    item_fraction: float,
    k: int,
    options: TrainingOptions,
) -> dict:
    """Hold ``item_fraction`` of items out of training; score them from features alone.

    ``auc`` / ``precision_at_k``... rank only among the held-out items (does the
    model order new items by who will want them?); ``auc_all_items`` ranks each
    held-out positive against every unseen item, trained ones included, as
    ``lightfm.evaluation.auc_score`` does in the LightFM paper's cold-start setup.
    """
    split = cold_item_split(interactions, item_fraction, seed=options.seed)
    emb, data = fit_embeddings(split.train, item_features, user_features, options)
    held = [item for item in split.held_out_items if item in item_features]
    emb = model.add_items(emb, {item: item_features[item] for item in held})
    n_trained = len(data.item_ids)

    # Test matrix over the extended item list (trained + held-out).
    user_index = emb.user_index
    rows = np.array([user_index.get(u, -1) for u in split.test.user_ids])
    cols = np.array([emb.item_index.get(i, -1) for i in split.test.item_ids])
    keep = (rows >= 0) & (cols >= n_trained)

    shape = (len(emb.user_ids), len(emb.item_ids))
    test = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])), shape=shape)
    test.data[:] = 1.0
    train = sp.csr_matrix(data.interactions, dtype=np.float32)
    train = sp.hstack([train, sp.csr_matrix((shape[0], shape[1] - n_trained), dtype=np.float32)]).tocsr()
    users = np.flatnonzero(test.getnnz(axis=1) > 0)
    score = lambda block: model.score_users(emb, block)  # noqa: E731
    held_indices = np.arange(n_trained, shape[1])
    among_held = metrics.evaluate(score, test, train, k=k, users=users, candidates=held_indices)
    all_items = metrics.evaluate(score, test, train, k=k, users=users)
    return _rounded(
        {
            "held_out_items": len(held),
            "test_pairs": int(test.nnz),
            "users": among_held.get("users", 0),
            "auc": among_held["auc"],
            "precision_at_k": among_held["precision_at_k"],
            "recall_at_k": among_held["recall_at_k"],
            "ndcg_at_k": among_held["ndcg_at_k"],
            "auc_all_items": all_items["auc"],
        }
    )


def _rounded(value):
    if isinstance(value, dict):
        return {str(key): _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def format_table(report: dict) -> str:
    """The report as plain-text tables (the CLI without --json): test, then validation, with 95% intervals."""
    k = report["k"]
    lines = [
        f"protocol {report['protocol']}: temporal split at {report['cutoff']} (test fraction {report['test_fraction']}), "
        f"validation slice from {report['validation_cutoff']}; {report['data']['test_users']} test users, "
        f"{report['data']['validation_users']} validation users",
        f"served blend: {report['served']['blend']}",
    ]
    for part in ("test", "validation"):
        section = report[part]
        lines.append(f"{part} ({section.get('users', 0)} users; 95% paired bootstrap intervals)")
        lines.append(f"{'model':<22}{'P@' + str(k):>24}{'R@' + str(k):>24}{'nDCG@' + str(k):>24}{'AUC':>24}{'coverage':>10}"
                     f"{report['reference'] + '/model P@' + str(k):>28}")
        for name, result in section["models"].items():
            cells = "".join(f"{_interval(result.get(metric)):>24}" for metric in BOOTSTRAP_METRICS)
            ratio = section["ratios"].get(name, {}).get("precision_at_k")
            lines.append(f"{name:<22}{cells}{_cell(result['coverage']['mean']):>10}{_ratio(ratio):>28}")
    for note in report.get("notes", []):
        lines.append(f"note: {note}")
    cold = report.get("cold_start")
    if cold:
        lines.append(
            f"cold start ({cold['held_out_items']} held-out items, {cold['users']} users): AUC {_cell(cold['auc'])} among held-out items, "
            f"{_cell(cold['auc_all_items'])} among all items; P@{k} {_cell(cold['precision_at_k'])}"
        )
    lines.append(f"{report['seconds']}s")
    return "\n".join(lines)


def _interval(value: dict | None) -> str:
    if not value or value.get("mean") is None:
        return "-"
    if value.get("low") is None:
        return f"{value['mean']:.4f}"
    return f"{value['mean']:.4f} [{value['low']:.4f}, {value['high']:.4f}]"


def _ratio(value: dict | None) -> str:
    if not value or value.get("ratio") is None:
        return "-"
    if value.get("low") is None:
        return f"{value['ratio']:.2f}x"
    return f"{value['ratio']:.2f}x [{value['low']:.2f}, {value['high']:.2f}]"


def _cell(value) -> str:
    return "-" if value is None else f"{value:.4f}"
