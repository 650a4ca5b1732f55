"""Recommender quality on the shared data sets: the figures and the hyperparameter grid of docs/quality.md.

    .venv/bin/python -m benchmarks.evaluate_datasets closing [--out /tmp/rec-reports]   (every protocol, both data sets:
                                                          the tables of docs/quality.md and the bars of issue 11)
    .venv/bin/python -m benchmarks.evaluate_datasets tables --out /tmp/rec-reports   (the tables and bars again, from the
                                                          JSON reports a closing run wrote there)
    .venv/bin/python -m benchmarks.evaluate_datasets grid   [--source ../shared/datasets] [--dataset online-retail]
    .venv/bin/python -m benchmarks.evaluate_datasets grid2  (round 2: combinations of what helped)
    .venv/bin/python -m benchmarks.evaluate_datasets paper --dataset movielens   (random 80/20 split, as the LightFM paper)

``grid`` chooses hyperparameters without touching the test period: it takes
the training part of the temporal split (first 80% of time), carves its last
15% off as validation, and reports the raw hybrid's validation metrics for
each setting (one knob at a time around the defaults). ``closing`` converts
the data sets and runs the same code as ``flask evaluate --json --protocol P``
for every protocol on each, writes the JSON reports and prints the tables
(with 95% intervals) and whether each bar of issue 11 is met.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.recommender.offline import datasets
from app.recommender.offline import evaluate as evaluation
from app.recommender.offline.csv_input import read_features, read_log
from app.recommender.offline.protocols import PROTOCOLS
from app.recommender.serving import embeddings as model
from app.recommender.training import metrics
from app.recommender.training.lightfm_model import HyperParameters
from app.recommender.training.pipeline import TrainingOptions, fit_embeddings, interaction_matrix
from app.recommender.training.splits import temporal_split
from benchmarks.quality_tables import bars, tables

GRID = [
    {},
    {"loss": "bpr"},
    {"loss": "logistic"},
    {"no_components": 16},
    {"no_components": 32},
    {"no_components": 96},
    {"epochs": 10},
    {"epochs": 40},
    {"learning_rate": 0.02},
    {"learning_rate": 0.1},
    {"item_alpha": 0.0, "user_alpha": 0.0},
    {"item_alpha": 1e-5, "user_alpha": 1e-5},
    {"option:identity_weight": 3.0},
    {"option:half_life_days": 90.0},
    {"option:compress_weights": False},
]
# Round 2: the knobs that helped one at a time, combined.
COMBINED = [
    {"learning_rate": 0.1, "epochs": 30},
    {"learning_rate": 0.1, "epochs": 30, "option:identity_weight": 3.0},
    {"learning_rate": 0.1, "epochs": 30, "no_components": 64, "option:identity_weight": 3.0},
    {"learning_rate": 0.1, "epochs": 30, "option:identity_weight": 3.0, "option:half_life_days": 90.0},
]
SETS = {"online-retail": "online-retail", "movielens": "movielens-100k"}


def _load(directory: Path):
    interactions, _ = read_log(directory / "interactions.csv")
    items = read_features(directory / "items.csv", "item_id")
    users = read_features(directory / "users.csv", "user_id")
    return interactions, items, users


def grid(directory: Path, settings: list[dict] = GRID, test_fraction: float = 0.2, k: int = 10) -> list[dict]:
    interactions, items, users = _load(directory)
    train = temporal_split(interactions, test_fraction).train
    split = temporal_split(train, 0.15)
    rows = []
    for change in settings:
        hp_changes = {key: value for key, value in change.items() if not key.startswith("option:")}
        option_changes = {key[7:]: value for key, value in change.items() if key.startswith("option:")}
        options = replace(TrainingOptions(k=k), hyperparameters=replace(HyperParameters(), **hp_changes), **option_changes)
        started = time.perf_counter()
        emb, data = fit_embeddings(split.train, items, users, options, now=split.cutoff)
        seconds = time.perf_counter() - started
        validation = interaction_matrix(split.test, data)
        result = metrics.evaluate(lambda block, emb=emb: model.score_users(emb, block), validation, data.interactions, k=k)
        row = {"change": change or "defaults", "fit_seconds": round(seconds, 1)}
        row.update({name: round(result[name], 4) for name in ("precision_at_k", "recall_at_k", "ndcg_at_k", "auc")})
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def paper_split(directory: Path, seed: int = 0, k: int = 10) -> dict:
    """MovieLens as in the LightFM paper: a random 80/20 split of the positives (warm AUC), no time order."""
    interactions, items, users = _load(directory)
    rng = np.random.default_rng(seed)
    is_test = rng.random(len(interactions)) < 0.2
    train, test = interactions.subset(~is_test), interactions.subset(is_test)
    options = TrainingOptions(k=k)
    result = {}
    for name, item_features, user_features in (("hybrid", items, users), ("lightfm_cf", None, None)):
        emb, data = fit_embeddings(train, item_features, user_features, options)
        matrix = interaction_matrix(test, data)
        scores = metrics.evaluate(lambda block, emb=emb: model.score_users(emb, block), matrix, data.interactions, k=k)
        result[name] = {key: round(value, 4) for key, value in scores.items() if key != "users"}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["closing", "tables", "grid", "grid2", "paper"])
    parser.add_argument("--out", type=Path, help="closing: also write each report as OUT/<data set>-<protocol>.json")
    parser.add_argument("--protocol", choices=PROTOCOLS, action="append", help="closing: only these protocols")
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--dataset", choices=sorted(SETS), action="append")
    args = parser.parse_args(argv)
    chosen = args.dataset or sorted(SETS)
    reports: dict[str, dict] = {}
    if args.what == "tables":
        if args.out is None:
            parser.error("tables: --out DIR, where a closing run wrote its reports")
        for name in chosen:
            found = {protocol: json.loads((args.out / f"{name}-{protocol}.json").read_text())
                     for protocol in args.protocol or PROTOCOLS if (args.out / f"{name}-{protocol}.json").exists()}
            if found:
                reports[name] = found
        print(tables(reports))
        print(bars(reports))
        return 0
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        datasets.main([str(out), "--source", str(args.source)])
        for name in chosen:
            directory = out / SETS[name]
            print(f"# {name}", flush=True)
            if args.what == "paper":
                print(json.dumps(paper_split(directory)), flush=True)
            elif args.what.startswith("grid"):
                grid(directory, GRID if args.what == "grid" else COMBINED)
            else:
                reports[name] = closing(directory, args.protocol or PROTOCOLS, args.out, name)
    if reports:
        print(tables(reports))
        print(bars(reports))
    return 0


def closing(directory: Path, protocols, out: Path | None, name: str) -> dict:
    """Every protocol on one data set, as ``flask evaluate --json --protocol P`` runs it."""
    interactions, purchases = read_log(directory / "interactions.csv")
    items = read_features(directory / "items.csv", "item_id")
    users = read_features(directory / "users.csv", "user_id")
    reports = {}
    for protocol in protocols:
        started = time.perf_counter()
        reports[protocol] = evaluation.run(interactions, items, users, protocol=protocol, purchases=purchases,
                                           progress=lambda m, p=protocol: print(f"{name} {p}: {m}", file=sys.stderr, flush=True))
        print(f"# {name} {protocol}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}-{protocol}.json").write_text(json.dumps(reports[protocol]))
    return reports


if __name__ == "__main__":
    sys.exit(main())
