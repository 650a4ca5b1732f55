"""Memory and time of choosing the blend at scale: 100,000 items x 50,000 users by default.

    .venv/bin/python -m benchmarks.blend_memory [--items 100000] [--users 50000] [--max-users 5000]

Builds a synthetic served model (random LightFM vectors, item kNN with 50
links per item, recent popularity) and a validation view of every user
(20 past events each, 5 items to find), then runs what training runs on
the validation slice: ``blend_weight.choose_blend`` (forward selection over
sampled users, block by block) and ``pipeline.validation_report``. Prints
the peak of memory allocated during each (tracemalloc, which sees numpy's
allocations) next to the floor: the model's own arrays (embeddings and
links), measured the same way in the same run.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp

from app.recommender.serving.blend import BlendWeights
from app.recommender.serving.embeddings import Embeddings
from app.recommender.serving.history import Histories
from app.recommender.serving.item_to_item import ItemToItem
from app.recommender.serving.served_model import ServedModel
from app.recommender.training import blend_weight
from app.recommender.training.pipeline import validation_report
from app.recommender.training.views import View

MB = 2**20


def build(n_items: int, n_users: int, dim: int = 48, events: int = 20, targets: int = 5, links: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    emb = Embeddings(
        item_ids=[f"I{n}" for n in range(n_items)], item_vectors=rng.standard_normal((n_items, dim), dtype=np.float32),
        item_biases=np.zeros(n_items, np.float32), user_ids=[f"U{n}" for n in range(n_users)],
        user_vectors=rng.standard_normal((n_users, dim), dtype=np.float32), user_biases=np.zeros(n_users, np.float32),
        item_popularity=rng.random(n_items, dtype=np.float32),
    )
    knn = ItemToItem("knn", sp.csr_matrix((rng.random(n_items * links, dtype=np.float32), rng.integers(0, n_items, n_items * links),
                                           np.arange(0, n_items * links + 1, links)), shape=(n_items, n_items)), 30.0)
    served = ServedModel(emb, rng.random(n_items, dtype=np.float32) * 100, BlendWeights(), {"knn": knn}, trained_until=1e9)
    rows = np.repeat(np.arange(n_users), events)
    histories = Histories(n_rows=n_users, event_rows=rows, event_items=rng.integers(0, n_items, len(rows)),
                          event_weights=np.ones(len(rows)), event_times=np.full(len(rows), 1e9 - 86400.0),
                          user_rows=np.arange(n_users), exclude_rows=rows, exclude_items=rng.integers(0, n_items, len(rows)))
    target_rows = np.repeat(np.arange(n_users), targets)
    relevant = sp.csr_matrix((np.ones(len(target_rows), np.float32), (target_rows, rng.integers(0, n_items, len(target_rows)))),
                             shape=(n_users, n_items))
    return served, View("discovery", list(emb.user_ids), histories, relevant, 1e9)


def measured(label: str, run) -> object:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    result = run()
    peak = tracemalloc.get_traced_memory()[1] - before
    print(f"{label:<40} peak {peak / MB:8.0f} MB above what was allocated before   {time.perf_counter() - started:7.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--max-users", type=int, default=blend_weight.MAX_USERS)
    args = parser.parse_args()
    tracemalloc.start()
    served, view = measured(f"floor: model + view ({args.items:,} x {args.users:,})", lambda: build(args.items, args.users))
    choice = measured(f"choose_blend ({args.max_users:,} sampled users)",
                      lambda: blend_weight.choose_blend(served, view, 10, args.max_users))
    served.blend = choice.weights
    rows = blend_weight.sample_rows(view.relevant.shape[0], args.max_users, 0)
    measured("validation_report (with AUC)", lambda: validation_report(served, view, 10, rows))
    print(f"blend chosen: {choice.weights.to_document()}")


if __name__ == "__main__":
    main()
