"""The "done" bar of the recommender on the real data sets (skipped without ../shared/datasets)."""
import csv
import json
import zlib

import pytest

from app.recommender.offline import datasets

pytestmark = pytest.mark.dataset


def _subsample_customers(directory, keep_one_in: int) -> None:
    """Keep a stable 1/keep_one_in of the customers (by a hash of the id), all of their rows."""
    path = directory / "interactions.csv"
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [rows[0]] + [row for row in rows[1:] if zlib.crc32(row[0].encode()) % keep_one_in == 0]
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(kept)


def _evaluate(runner, directory):
    result = runner.invoke(
        args=[
            "evaluate",
            "--interactions", str(directory / "interactions.csv"),
            "--items", str(directory / "items.csv"),
            "--users", str(directory / "users.csv"),
            "--split", "temporal", "--test-fraction", "0.2", "--k", "10", "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_online_retail_hybrid_beats_popularity_and_ranks_cold_items(runner, shared_datasets, tmp_path):
    directory = tmp_path / "online-retail"
    datasets.convert_online_retail(shared_datasets / datasets.ONLINE_RETAIL, directory)
    _subsample_customers(directory, 2)  # half the customers: the same bar, half the time
    report = _evaluate(runner, directory)
    models = report["models"]
    assert models["hybrid"]["precision_at_k"] >= 1.5 * models["popularity"]["precision_at_k"], models
    assert report["cold_start"]["auc"] >= 0.70, report["cold_start"]


def test_movielens_hybrid_auc_is_reported(runner, shared_datasets, tmp_path):
    directory = tmp_path / "movielens-100k"
    datasets.convert_movielens(shared_datasets / datasets.MOVIELENS, directory)
    report = _evaluate(runner, directory)
    assert report["data"]["interactions"] == 55375  # ratings 4 and 5
    assert report["models"]["hybrid"]["auc"] > 0.75
    assert report["cold_start"]["auc_all_items"] > 0.65
