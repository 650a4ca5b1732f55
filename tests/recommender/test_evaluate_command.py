"""`flask evaluate` on a synthetic shop with planted structure, and its input errors."""
import csv
import json

import numpy as np

N_GROUPS, ITEMS_PER_GROUP, N_USERS, PER_USER = 6, 40, 300, 25


def write_shop(directory, planted_features: bool = True):
    """Users buy mostly (85%) within their own group; items carry their group as a category.

    Popularity is flat inside and across groups, so it cannot find the
    structure; with ``planted_features=False`` the categories are shuffled,
    so features say nothing and cold-start items cannot be ranked.
    """
    rng = np.random.default_rng(7)
    n_items = N_GROUPS * ITEMS_PER_GROUP
    item_group = np.repeat(np.arange(N_GROUPS), ITEMS_PER_GROUP)
    category = item_group if planted_features else rng.permutation(item_group)
    with open(directory / "items.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "title", "category", "price"])
        for item in range(n_items):
            writer.writerow([f"p{item}", f"Thing number {item}", f"group {category[item]}", round(float(rng.uniform(1, 50)), 2)])
    with open(directory / "users.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "segment"])
        for user in range(N_USERS):
            writer.writerow([f"c{user}", f"s{user % N_GROUPS}"])
    with open(directory / "interactions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "item_id", "timestamp", "weight"])
        for user in range(N_USERS):
            group = user % N_GROUPS
            own = rng.choice(np.flatnonzero(item_group == group), size=int(PER_USER * 0.85), replace=False)
            other = rng.choice(n_items, size=PER_USER - len(own), replace=False)
            for item in np.concatenate([own, other]):
                writer.writerow([f"c{user}", f"p{item}", int(1_600_000_000 + rng.integers(0, 10**7)), 1])
    return directory


def _evaluate(runner, directory, *extra):
    args = [
        "evaluate",
        "--interactions", str(directory / "interactions.csv"),
        "--items", str(directory / "items.csv"),
        "--users", str(directory / "users.csv"),
        "--split", "temporal", "--test-fraction", "0.2", "--k", "10", "--epochs", "15", "--components", "16",
        *extra,
    ]
    return runner.invoke(args=args)


def test_evaluate_reports_every_model_and_hybrid_beats_popularity(runner, tmp_path):
    result = _evaluate(runner, write_shop(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["models"]) == {"hybrid", "lightfm_hybrid_raw", "lightfm_cf", "popularity", "item_knn"}
    for metrics in report["models"].values():
        assert set(metrics) >= {"precision_at_k", "recall_at_k", "ndcg_at_k", "auc", "coverage"}
    models = report["models"]
    assert models["hybrid"]["precision_at_k"] >= 1.5 * models["popularity"]["precision_at_k"]
    assert models["lightfm_hybrid_raw"]["auc"] > 0.75
    assert report["cold_start"]["held_out_items"] == 48
    assert report["cold_start"]["auc"] >= 0.70
    assert 0.0 <= report["blend_weight"] <= 1.0


def test_cold_start_fails_when_features_carry_nothing(runner, tmp_path):
    result = _evaluate(runner, write_shop(tmp_path, planted_features=False), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cold_start"]["auc"] < 0.62


def test_table_output_and_input_errors(runner, tmp_path):
    write_shop(tmp_path)
    table = _evaluate(runner, tmp_path, "--epochs", "2")
    assert table.exit_code == 0, table.output
    assert "hybrid" in table.stdout and "cold start" in table.stdout
    missing = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "nope.csv"), "--items", str(tmp_path / "items.csv")])
    assert missing.exit_code == 1 and "nope.csv: no such file" in missing.output
    (tmp_path / "bad.csv").write_text("user,item_id\nc1,p1\n")
    bad = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "bad.csv"), "--items", str(tmp_path / "items.csv")])
    assert bad.exit_code == 1 and "missing column(s) user_id, timestamp" in bad.output
    wrong_split = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "interactions.csv"), "--items", str(tmp_path / "items.csv"), "--split", "random"])
    assert wrong_split.exit_code == 2
