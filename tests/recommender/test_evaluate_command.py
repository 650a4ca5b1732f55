"""`flask evaluate` on a synthetic shop with planted structure: every protocol, intervals, and input errors."""
import json

import pytest

from tests.helpers import recommender_synthetic as synthetic

FAST = ("--epochs", "10", "--components", "16", "--bootstrap", "200")


def _evaluate(runner, directory, *extra):
    args = [
        "evaluate",
        "--interactions", str(directory / "interactions.csv"),
        "--items", str(directory / "items.csv"),
        "--users", str(directory / "users.csv"),
        "--split", "temporal", "--test-fraction", "0.2", "--k", "10", *FAST, *extra,
    ]
    return runner.invoke(args=args)


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("shop")
    synthetic.write_csvs(synthetic.build(), directory)
    return directory


def _report(runner, directory, *extra) -> dict:
    result = _evaluate(runner, directory, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _mean(report, part, model, metric="precision_at_k"):
    return report[part]["models"][model][metric]["mean"]


def test_discovery_reports_every_model_with_intervals_and_the_served_blend_wins(runner, shop_dir):
    report = _report(runner, shop_dir, "--protocol", "discovery")
    assert report["protocol"] == "discovery" and report["reference"] == "served"
    expected = {"served", "recent_popularity", "popularity", "ease", "item_knn", "lightfm_hybrid_raw", "lightfm_cf"}
    assert set(report["test"]["models"]) == expected
    assert set(report["validation"]["models"]) == expected - {"lightfm_cf"}  # needs a fit of its own on the slice
    for part in ("test", "validation"):
        for model, result in report[part]["models"].items():
            for metric in ("precision_at_k", "recall_at_k", "ndcg_at_k", "auc"):
                value = result[metric]
                assert value["low"] <= value["mean"] <= value["high"], (part, model, metric, value)
        for baseline, ratios in report[part]["ratios"].items():
            value = ratios["precision_at_k"]
            assert value["low"] <= value["ratio"] <= value["high"], (part, baseline, value)
    # Planted tastes: popularity cannot see them, the served blend must.
    assert _mean(report, "test", "served") >= 1.5 * _mean(report, "test", "popularity")
    # By construction (forward selection from recent popularity, one-SE rule), never below it where it was chosen.
    assert _mean(report, "validation", "served") >= _mean(report, "validation", "recent_popularity") - 1e-9
    assert report["data"]["validation_users"] > 0 and report["data"]["test_users"] > 0
    assert report["cold_start"]["held_out_items"] == 36 and report["cold_start"]["auc"] >= 0.70
    assert report["served"]["blend"]["default"] and report["tuned"]["recent_popularity"]["grid"]


def test_cold_start_fails_when_features_carry_nothing(runner, tmp_path):
    synthetic.write_csvs(synthetic.build(planted_features=False), tmp_path)
    report = _report(runner, tmp_path, "--protocol", "discovery")
    assert report["cold_start"]["auc"] < 0.62


def test_repeat_protocol_ranks_restocks_against_times_bought_and_recency(runner, shop_dir):
    report = _report(runner, shop_dir, "--protocol", "repeat", "--no-cold-start")
    assert report["reference"] == "buy_again" and "cold_start" not in report
    assert {"buy_again", "times_bought_recency", "served", "recent_popularity", "popularity"} == set(report["test"]["models"])
    assert "times_bought_recency" in report["test"]["ratios"] and "served" in report["test"]["ratios"]
    assert report["tuned"]["times_bought_recency"]["params"]["half_life_days"] in (14.0, 30.0, 90.0, 180.0, 365.0, None)
    # Everyone restocks a staple every ~10 days: a restock ranking must find it, popularity cannot.
    assert _mean(report, "test", "buy_again") > 2 * _mean(report, "test", "recent_popularity")


def test_new_visitors_protocol_folds_in_two_events_and_beats_trending(runner, shop_dir):
    report = _report(runner, shop_dir, "--protocol", "new-visitors", "--no-cold-start")
    assert {"served", "trending", "recent_popularity", "popularity", "ease", "item_knn"} == set(report["test"]["models"])
    assert report["data"]["test_users"] == 40 and report["data"]["validation_users"] > 0  # the late customers
    assert _mean(report, "test", "served") >= 1.2 * _mean(report, "test", "trending")


def test_table_output_and_input_errors(runner, shop_dir, tmp_path):
    table = _evaluate(runner, shop_dir, "--protocol", "new-visitors", "--no-cold-start", "--epochs", "2")
    assert table.exit_code == 0, table.output
    assert "served" in table.stdout and "95% paired bootstrap intervals" in table.stdout and "validation (" in table.stdout
    missing = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "nope.csv"), "--items", str(shop_dir / "items.csv")])
    assert missing.exit_code == 1 and "nope.csv: no such file" in missing.output
    (tmp_path / "bad.csv").write_text("user,item_id\nc1,p1\n")
    bad = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "bad.csv"), "--items", str(shop_dir / "items.csv")])
    assert bad.exit_code == 1 and "missing column(s) user_id, timestamp" in bad.output
    (tmp_path / "quantity.csv").write_text("user_id,item_id,timestamp,quantity\nc1,p1,5,two\n")
    bad_quantity = runner.invoke(args=["evaluate", "--interactions", str(tmp_path / "quantity.csv"), "--items", str(shop_dir / "items.csv")])
    assert bad_quantity.exit_code == 1 and "line 2: bad timestamp, weight or quantity" in bad_quantity.output
    for wrong in (["--split", "random"], ["--protocol", "sideways"]):
        result = runner.invoke(args=["evaluate", "--interactions", str(shop_dir / "interactions.csv"), "--items", str(shop_dir / "items.csv"), *wrong])
        assert result.exit_code == 2, wrong
