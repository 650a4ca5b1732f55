"""`flask evaluate-clv` end to end: import-orders files in, fitted parameters and holdout checks out; no shop, no database."""
from __future__ import annotations

import csv
import gzip
import json
from datetime import date

import pytest

from app.clv.datasets import CDNOW_SAMPLE, convert_cdnow, convert_online_retail
from app.importers import orders as order_import
from app.importers.reading import read_rows
from app.importers.report import ImportReport
from tests.clv.simulate import simulate_purchases

ARGS = ["--calibration-end", "2025-07-01", "--holdout-end", "2025-12-30"]


def write_orders(path, purchases, extra_rows=()):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer_id", "placed_at", "product_id", "quantity", "price"])
        for n, (customer, day, amount) in enumerate(purchases):
            writer.writerow([f"O{n}", customer, f"{day.isoformat()}T15:00:00Z", "SKU", 1, f"{amount:.2f}"])
        writer.writerows(extra_rows)
    return path


@pytest.mark.dataset
def test_cdnow_reproduces_the_papers_through_the_command(runner, shared_datasets, tmp_path):
    orders = tmp_path / "cdnow.csv"
    assert convert_cdnow(shared_datasets / CDNOW_SAMPLE, orders) == {"orders": 6919, "customers": 2357}
    result = runner.invoke(args=["evaluate-clv", "--orders", str(orders), "--calibration-end", "1997-09-30",
                                 "--holdout-end", "1998-06-30", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert report["bgnbd"][name] == pytest.approx(value, rel=0.02), name
    assert report["bgnbd"]["log_likelihood"] == pytest.approx(-9582.4, abs=0.1)
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert report["gamma_gamma"][name] == pytest.approx(value, rel=0.02), name
    holdout = report["holdout"]
    assert holdout["customers"] == 2357 and holdout["transactions"]["actual_total"] == 1882
    assert len(holdout["weekly_tracking"]) == 78 and holdout["spend"]["customers"] > 0


def test_a_simulated_shop_gets_a_summary_and_json(runner, tmp_path):
    purchases = simulate_purchases(1500, days=364, r=0.5, alpha=40.0, a=0.7, b=2.5, seed=12)
    bad = [("BAD", "C1", "yesterday", "SKU", 1, "3.00"), ("GUEST", "", "2025-03-01T10:00:00Z", "SKU", 1, "9.00")]
    orders = write_orders(tmp_path / "orders.csv", purchases, bad)
    result = runner.invoke(args=["evaluate-clv", "--orders", str(orders), *ARGS, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["bgnbd"]) >= {"r", "alpha", "a", "b", "log_likelihood"} and set(report["gamma_gamma"]) >= {"p", "q", "gamma"}
    assert report["holdout"]["transactions"]["predicted_total"] == pytest.approx(report["holdout"]["transactions"]["actual_total"], rel=0.15)
    assert "order 'BAD': placed_at" in result.stderr and "1 lines rejected" in result.stderr
    assert "1 orders without a customer_id left out" in result.stderr
    summary = runner.invoke(args=["evaluate-clv", "--orders", str(orders), *ARGS, "--unit", "days"])
    assert summary.exit_code == 0 and summary.stdout.startswith("BG/NBD (days): r=")
    assert "MAE per customer" in summary.stdout and "2025-12-30" in summary.stdout


def test_input_errors_are_explained(runner, tmp_path):
    missing = runner.invoke(args=["evaluate-clv", "--orders", str(tmp_path / "nope.csv"), *ARGS])
    assert missing.exit_code == 1 and "no such file" in missing.output
    backwards = runner.invoke(args=["evaluate-clv", "--orders", str(tmp_path / "nope.csv"), "--calibration-end", "2025-07-01",
                                    "--holdout-end", "2025-06-01"])
    assert backwards.exit_code == 2 and "--holdout-end" in backwards.output
    one_timers = write_orders(tmp_path / "once.csv", [(f"C{n}", date(2025, 1, 1 + n), 10.0) for n in range(20)])
    unfit = runner.invoke(args=["evaluate-clv", "--orders", str(one_timers), *ARGS])
    assert unfit.exit_code == 1 and "cannot fit the models: no repeat transactions" in unfit.output
    no_customers = tmp_path / "columns.csv"
    no_customers.write_text("order_id,placed_at,product_id,quantity,price\nO1,2025-01-01,A,1,2\n")
    columns = runner.invoke(args=["evaluate-clv", "--orders", str(no_customers), *ARGS])
    assert columns.exit_code == 1 and "missing column(s) customer_id" in columns.output


def test_the_online_retail_converter_keeps_merchandise_of_known_customers(tmp_path):
    source = tmp_path / "retail.csv.gz"
    rows = [
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
        "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",  # exact duplicate
        "536365,71053,WHITE METAL LANTERN,2,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
        "536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850.0,United Kingdom",  # a fee, not merchandise
        "C536379,85123A,WHITE HANGING HEART,-1,2010-12-01 09:41:00,2.55,17850.0,United Kingdom",  # cancellation
        "536380,22961,JAM MAKING SET,24,2010-12-01 09:41:00,1.45,,United Kingdom",  # guest
        "536381,22139,RETROSPOT TEA SET,1,2010-12-02 10:00:00,0.00,13047.0,United Kingdom",  # free
    ]
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    out = tmp_path / "orders.csv"
    assert convert_online_retail(source, out) == {"orders": 1, "customers": 1, "lines": 2}
    report = ImportReport("orders")
    [(order, _lines)] = order_import.validated_orders(read_rows(out, "csv", order_import.REQUIRED_CSV_COLUMNS), report)
    assert report.problems == []
    assert order["customer_id"] == "17850" and order["placed_at"].isoformat() == "2010-12-01T08:26:00+00:00"
    assert float(order_import.order_total(order)) == pytest.approx(6 * 2.55 + 2 * 3.39)
