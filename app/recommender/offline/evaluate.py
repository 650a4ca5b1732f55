"""Offline evaluation: read the three CSVs, split in time, train every model, measure.

Models: ``hybrid`` (LightFM with features, blended with popularity as served),
``lightfm_hybrid_raw`` (the same model unblended), ``lightfm_cf`` (LightFM on
ids only), ``popularity`` and ``item_knn``. ``cold_start``: items held out of
training entirely, scored from their features alone.
"""
from __future__ import annotations

import csv
import gzip
import io
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from app.recommender.serving import blend
from app.recommender.serving import embeddings as model
from app.recommender.serving.tokens import Buckets, prefixed_tokens, title_tokens
from app.recommender.training import baselines, metrics
from app.recommender.training.features import Interactions
from app.recommender.training.pipeline import TrainingOptions, fit_embeddings, interaction_matrix, train_recommender
from app.recommender.training.splits import cold_item_split, temporal_split

INTERACTION_COLUMNS = ("user_id", "item_id", "timestamp")
TEXT_COLUMNS = {"title", "name", "description"}
# Column names that map onto the shared token prefixes of features.py.
PREFIX_ALIASES = {
    "category": "category",
    "categories": "category",
    "product_type": "category",
    "vendor": "vendor",
    "brand": "vendor",
    "tags": "tag",
    "tag": "tag",
}
PRICE_BUCKETS = 8


class InputError(ValueError):
    """A problem with an input file, worded for the person who passed it."""


def _open_text(path: Path):
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _read_csv(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)} (header: {','.join(header) or 'empty'})")
        return header, [row for row in reader if row]


def parse_timestamp(value: str) -> float:
    """UNIX seconds, or ISO-8601 (naive times are UTC)."""
    try:
        return float(value)
    except ValueError:
        pass
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def read_interactions(path: Path) -> Interactions:
    """``user_id,item_id,timestamp[,weight]`` rows."""
    header, rows = _read_csv(path, INTERACTION_COLUMNS)
    user, item, stamp = (header.index(name) for name in INTERACTION_COLUMNS)
    weight = header.index("weight") if "weight" in header else None
    users, items, weights, stamps = [], [], [], []
    for line, row in enumerate(rows, start=2):
        try:
            stamps.append(parse_timestamp(row[stamp]))
            weights.append(float(row[weight]) if weight is not None and row[weight] != "" else 1.0)
        except (ValueError, IndexError):
            raise InputError(f"{path}: line {line}: bad timestamp or weight in {','.join(row)!r}") from None
        users.append(row[user])
        items.append(row[item])
    if not users:
        raise InputError(f"{path}: no interactions")
    as_object = lambda values: np.array(values, dtype=object)  # noqa: E731
    return Interactions(as_object(users), as_object(items), np.array(weights), np.array(stamps))


def read_features(path: Path, id_column: str) -> dict[str, list[str]]:
    """``id,`` then feature columns -> ``{id: tokens}``.

    Columns named title/name/description give ``word:`` tokens; numeric
    columns give quantile-bucket tokens (``price:3``); any other column gives
    ``column:value`` per ``|``-separated value (category/product_type,
    vendor/brand and tags use the shared ``category:``, ``vendor:``, ``tag:``).
    """
    header, rows = _read_csv(path, (id_column,))
    key = header.index(id_column)
    columns = [(i, name) for i, name in enumerate(header) if i != key]
    tokenizers: list[tuple[int, Callable[[str], list[str]]]] = []
    for i, name in columns:
        values = [row[i] for row in rows if i < len(row) and row[i] != ""]
        if name.lower() in TEXT_COLUMNS:
            tokenizers.append((i, title_tokens))
        elif values and all(_is_number(value) for value in values):
            buckets = Buckets.fit((float(v) for v in values), PRICE_BUCKETS, prefix=name.lower())
            tokenizers.append((i, lambda value, b=buckets: b.token(float(value)) if _is_number(value) else []))
        else:
            prefix = PREFIX_ALIASES.get(name.lower(), name.lower())
            tokenizers.append((i, lambda value, p=prefix: prefixed_tokens(p, value.split("|"))))
    features: dict[str, list[str]] = {}
    for row in rows:
        tokens = features.setdefault(row[key], [])
        for i, tokenize in tokenizers:
            if i < len(row) and row[i] != "":
                tokens.extend(t for t in tokenize(row[i]) if t not in tokens)
    return features


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def run(
    interactions: Interactions,
    item_features: dict[str, list[str]],
    user_features: dict[str, list[str]] | None,
    *,
    test_fraction: float = 0.2,
    k: int = 10,
    options: TrainingOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """The evaluation report as a JSON-ready dict."""
    options = options or TrainingOptions(k=k)
    options.k = k
    say = progress or (lambda message: None)
    started = time.perf_counter()
    split = temporal_split(interactions, test_fraction)
    say(f"temporal split at {_iso(split.cutoff)}: {len(split.train)} train rows, {len(split.test)} warm test rows")

    trained = train_recommender(
        split.train, item_features, user_features, options, now=split.cutoff, add_cold_items=False, progress=say
    )
    emb, data = trained.embeddings, trained.data
    train_matrix = data.interactions.tocsr()
    test_matrix = interaction_matrix(split.test, data)
    users = np.flatnonzero(test_matrix.getnnz(axis=1) > 0)

    say("training lightfm_cf (ids only)")
    cf_emb, _ = fit_embeddings(split.train, None, None, options, now=split.cutoff)
    cf_items = np.array([cf_emb.item_index[item] for item in data.item_ids])
    cf_users = np.array([cf_emb.user_index[user] for user in data.user_ids])
    knn = baselines.ItemKNN(train_matrix)
    popularity = baselines.popularity(train_matrix)
    prior = blend.popularity_prior(popularity)
    weight = trained.blend_weight

    scorers = {
        "hybrid": lambda block: blend.blend(model.score_users(emb, block), prior, weight),
        "lightfm_hybrid_raw": lambda block: model.score_users(emb, block),
        "lightfm_cf": lambda block: model.score_users(cf_emb, cf_users[block])[:, cf_items],
        "popularity": lambda block: np.broadcast_to(popularity, (len(block), len(popularity))),
        "item_knn": knn.scores,
    }
    results = {}
    for name, score in scorers.items():
        results[name] = _rounded(metrics.evaluate(score, test_matrix, train_matrix, k=k, users=users))
        say(f"{name}: precision@{k} {results[name]['precision_at_k']:.4f}, AUC {results[name]['auc']:.4f}")

    say("cold start: training without the held-out items")
    cold = cold_start(interactions, item_features, user_features, test_fraction, k, options)
    report = {
        "split": "temporal",
        "test_fraction": test_fraction,
        "k": k,
        "cutoff": _iso(split.cutoff),
        "data": {
            "interactions": len(interactions),
            "users": int(len(np.unique(interactions.user_ids))),
            "items": int(len(np.unique(interactions.item_ids))),
            "train_pairs": int(train_matrix.nnz),
            "test_pairs": int(test_matrix.nnz),
            "test_users": int(len(users)),
            "train_items": len(data.item_ids),
            "item_features": len(emb.item_feature_names),
            "user_features": len(emb.user_feature_names),
        },
        "hyperparameters": options.hyperparameters.to_dict(),
        "half_life_days": options.half_life_days,
        "seed": options.seed,
        "blend_weight": weight,
        "validation": _rounded(trained.validation),
        "models": results,
        "cold_start": cold,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return report


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
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def format_table(report: dict) -> str:
    """The report as a plain-text table (the CLI without --json)."""
    k = report["k"]
    lines = [
        f"temporal split at {report['cutoff']} (test fraction {report['test_fraction']}), "
        f"{report['data']['test_users']} test users, blend weight {report['blend_weight']}",
        f"{'model':<20}{'P@' + str(k):>9}{'R@' + str(k):>9}{'nDCG@' + str(k):>9}{'AUC':>9}{'coverage':>10}",
    ]
    for name, result in report["models"].items():
        cells = [result.get(metric) for metric in metrics.METRIC_NAMES]
        lines.append(f"{name:<20}" + "".join(f"{_cell(c):>9}" for c in cells[:4]) + f"{_cell(cells[4]):>10}")
    cold = report["cold_start"]
    lines.append(
        f"cold start ({cold['held_out_items']} held-out items, {cold['users']} users): AUC {_cell(cold['auc'])} among held-out items, "
        f"{_cell(cold['auc_all_items'])} among all items; P@{k} {_cell(cold['precision_at_k'])}"
    )
    lines.append(f"{report['seconds']}s")
    return "\n".join(lines)


def _cell(value) -> str:
    return "-" if value is None else f"{value:.4f}"
