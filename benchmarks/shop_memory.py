"""Memory a web worker holds per shop: its loaded model and its catalog arrays, at 10k / 100k / 1M items.

    .venv/bin/python benchmarks/shop_memory.py [--items 10000,100000,1000000] [--dim 48] [--users-per-item 1.5]

Builds a synthetic model (``dim`` components, like the demo shop's 48) and a catalog
of the same size with typical field lengths (title 40 chars, URL 60, image URL 70,
category and vendor 15, three tags), the way a worker builds them, and measures the
Python heap they take with tracemalloc (numpy arrays included).
"""
from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.catalog import arrays  # noqa: E402
from app.recommender.serving import embeddings as model  # noqa: E402
from app.recommender.serving.ranking import _prior  # noqa: E402


class _Rows:
    """Stands in for the products query: rows shaped like load_catalog's SELECT."""

    def __init__(self, n: int):
        self.rows = [
            (f"SKU-{i:08d}", f"Product title number {i:08d} in the shop", f"https://shop.example/products/item-{i:08d}-a-slug",
             f"https://cdn.example/files/images/item-{i:08d}-main.jpg?v=1", Decimal("19.99"), "EUR", f"Vendor {i % 300:05d}",
             f"Category {i % 100:04d}", [f"tag{i % 50}", f"tag{i % 7}x", "sale"], True)
            for i in range(n)
        ]

    def execute(self, _statement):
        return iter(self.rows)


def measure(items: int, dim: int, users_per_item: float) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    users = int(items * users_per_item)
    item_ids = [f"SKU-{i:08d}" for i in range(items)]
    gc.collect()
    tracemalloc.start()
    emb = model.Embeddings(
        item_ids=item_ids, item_vectors=rng.standard_normal((items, dim), dtype=np.float32),
        item_biases=np.zeros(items, np.float32), user_ids=[f"p{i}" for i in range(users)],
        user_vectors=rng.standard_normal((users, dim), dtype=np.float32), user_biases=np.zeros(users, np.float32),
        item_popularity=np.ones(items, np.float32),
    )
    _ = emb.item_index, emb.user_index, emb.unit_item_vectors, _prior(emb)  # what serving caches on first use
    model_bytes = tracemalloc.get_traced_memory()[0]
    before = tracemalloc.get_traced_memory()[0]
    rows = _Rows(items)  # freed below: what stays is what the catalog keeps of it
    catalog = arrays.load_catalog(rows, 1, item_ids)
    del rows
    gc.collect()
    catalog_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del catalog, emb
    return model_bytes / 2**20, catalog_bytes / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", default="10000,100000,1000000")
    parser.add_argument("--dim", type=int, default=48)
    parser.add_argument("--users-per-item", type=float, default=1.5, help="known customers in the model per item")
    args = parser.parse_args()
    print(f"| items | model (dim {args.dim}, {args.users_per_item:g} users/item) | catalog arrays | per worker |")
    print("| --- | --- | --- | --- |")
    for items in (int(value) for value in args.items.split(",")):
        model_mb, catalog_mb = measure(items, args.dim, args.users_per_item)
        print(f"| {items:,} | {model_mb:,.0f} MB | {catalog_mb:,.0f} MB | {model_mb + catalog_mb:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
