"""``flask evaluate-clv``: fit BG/NBD and Gamma-Gamma on an orders file and check them on a holdout period.

Needs no shop and no database: it reads an ``import-orders`` file (CSV or
JSON Lines) and prints the fitted parameters and the holdout checks of
``app.clv.holdout.evaluate_clv`` (see docs/quality.md).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from app.clv.fitting import FitError
from app.clv.holdout import evaluate_clv
from app.clv.rfm import UNIT_DAYS, daily_transactions
from app.importers import orders as order_import
from app.importers.reading import ImportFileError, detect_format, read_rows
from app.importers.report import ImportReport

PROBLEMS_SHOWN = 20


@click.command("evaluate-clv")
@click.option("--orders", "orders_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Orders in the import-orders format (CSV or JSON Lines, .gz read directly).")
@click.option("--calibration-end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day (inclusive) of the period the models are fitted on.")
@click.option("--holdout-end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day (inclusive) of the holdout period the predictions are checked on.")
@click.option("--unit", type=click.Choice(sorted(UNIT_DAYS)), default="weeks", show_default=True,
              help="Time unit of the fitted parameters (the papers use weeks).")
@click.option("--format", "file_format", type=click.Choice(["csv", "jsonl"]), help="Default: from the file name.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
def evaluate_clv_command(orders_path: Path, calibration_end: datetime, holdout_end: datetime, unit: str,
                         file_format: str | None, as_json: bool) -> None:
    """Fit the lifetime-value models up to --calibration-end and check them up to --holdout-end."""
    if holdout_end.date() <= calibration_end.date():
        raise click.BadParameter("must be after --calibration-end", param_hint="--holdout-end")
    report = ImportReport("orders")
    try:
        file_format = detect_format(orders_path, file_format)
        columns = order_import.REQUIRED_CSV_COLUMNS + ("customer_id",) if file_format == "csv" else ()
        orders = order_import.validated_orders(read_rows(orders_path, file_format, columns), report)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from None
    for line, message in report.problems[:PROBLEMS_SHOWN]:
        click.echo(f"line {line}: {message}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} lines rejected, evaluated without them", err=True)
    purchases = [(order["customer_id"], order["placed_at"], order_import.order_total(order))
                 for order, _ in orders if order["customer_id"]]
    guests = len(orders) - len(purchases)
    if guests:
        click.echo(f"{guests} orders without a customer_id left out (a guest cannot be followed over time)", err=True)
    try:
        result = evaluate_clv(daily_transactions(purchases), calibration_end.date(), holdout_end.date(), unit)
    except FitError as error:
        raise click.ClickException(f"cannot fit the models: {error}") from None
    click.echo(json.dumps(result) if as_json else format_summary(result))


def format_summary(result: dict) -> str:
    model, holdout = result["bgnbd"], result["holdout"]
    lines = [(
        f"BG/NBD ({holdout['unit']}): r={model['r']:.4f} alpha={model['alpha']:.4f} a={model['a']:.4f} "
        f"b={model['b']:.4f} LL={model['log_likelihood']:.1f}"
    )]
    spend = result["gamma_gamma"]
    lines.append(f"Gamma-Gamma: p={spend['p']:.4f} q={spend['q']:.4f} gamma={spend['gamma']:.4f}" if spend
                 else f"Gamma-Gamma: not fitted ({result.get('gamma_gamma_error')})")
    transactions = holdout["transactions"]
    lines.append(
        f"{holdout['customers']} customers ({holdout['repeat_customers']} repeat), holdout to {holdout['holdout_end']}: "
        f"predicted {transactions['predicted_total']:.1f} vs actual {transactions['actual_total']:.0f} transactions, "
        f"MAE per customer {transactions['mean_absolute_error']:.3f} "
        f"(each customer's own rate carried forward: {holdout['baselines']['customer_rate']['mean_absolute_error']:.3f})"
    )
    lines.append("week  week_end    predicted_cum  actual_cum")
    for row in holdout["weekly_tracking"]:
        lines.append(f"{row['week']:>4}  {row['week_end']}  {row['predicted_cumulative']:>13.1f}  {row['actual_cumulative']:>10}")
    if "spend" in holdout and "predicted_mean_spend" in holdout["spend"]:
        check = holdout["spend"]
        lines.append(f"spend per transaction ({check['customers']} customers): predicted {check['predicted_mean_spend']:.2f} "
                     f"vs actual {check['actual_mean_spend']:.2f}, MAE {check['mean_absolute_error']:.2f}")
    return "\n".join(lines)
