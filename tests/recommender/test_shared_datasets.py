"""The evaluation on the real data sets, cut down to seconds (skipped without ../shared/datasets).

The full runs and the bars of docs/quality.md are a benchmark:
``.venv/bin/python -m benchmarks.evaluate_datasets closing``.
"""
import csv
import json
import zlib

import pytest

from app.recommender.offline import datasets

pytestmark = pytest.mark.dataset
FAST = ["--epochs", "5", "--components", "16", "--bootstrap", "200", "--no-cold-start"]


def _subsample_customers(directory, keep_one_in: int) -> None:
    """Keep a stable 1/keep_one_in of the customers (by a hash of the id), all of their rows."""
    path = directory / "interactions.csv"
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [rows[0]] + [row for row in rows[1:] if zlib.crc32(row[0].encode()) % keep_one_in == 0]
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(kept)


def _evaluate(runner, directory, protocol):
    result = runner.invoke(args=[
        "evaluate", "--interactions", str(directory / "interactions.csv"), "--items", str(directory / "items.csv"),
        "--users", str(directory / "users.csv"), "--protocol", protocol, "--json", *FAST,
    ])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _precision(report, part, model):
    return report[part]["models"][model]["precision_at_k"]["mean"]


def test_movielens_discovery_served_never_below_recent_popularity_on_validation(runner, shared_datasets, tmp_path):
    directory = tmp_path / "movielens-100k"
    datasets.convert_movielens(shared_datasets / datasets.MOVIELENS, directory)
    report = _evaluate(runner, directory, "discovery")
    assert report["data"]["interactions"] == 55375  # ratings 4 and 5
    assert _precision(report, "validation", "served") >= _precision(report, "validation", "recent_popularity") - 1e-9
    assert report["test"]["ratios"]["popularity"]["precision_at_k"]["ratio"] >= 1.0


def test_online_retail_repeat_protocol_on_a_slice_of_customers(runner, shared_datasets, tmp_path):
    directory = tmp_path / "online-retail"
    counts = datasets.convert_online_retail(shared_datasets / datasets.ONLINE_RETAIL, directory)
    assert counts == {"interactions": 396337, "items": 3659, "users": 4334}
    with open(directory / "interactions.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["user_id", "item_id", "timestamp", "weight", "quantity"]
    _subsample_customers(directory, 16)
    report = _evaluate(runner, directory, "repeat")
    # Restocks are the most predictable thing wholesalers do: both repeat rankings far above popularity.
    assert _precision(report, "test", "buy_again") > 2 * _precision(report, "test", "recent_popularity")
    assert _precision(report, "test", "times_bought_recency") > 2 * _precision(report, "test", "recent_popularity")
