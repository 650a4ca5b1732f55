"""The dashboard: how each widget and the shop as a whole did over a period, against the holdout."""
from __future__ import annotations

from flask import g, render_template, request
from markupsafe import Markup
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.clock import utcnow
from app.experiments.holdout import holdout_percent
from app.models import Rule
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.charts import Series, bar_chart, line_chart, plain_number
from app.settings_ui.period import PeriodSchema, day_bounds, resolve_period
from app.settings_ui.survey_section import survey_section
from app.stats.report import stats_report
from app.stats.timeseries import Timeseries, daily_series


def rule_rows(rules: list[Rule], report: dict, series: Timeseries) -> list[dict]:
    """One row per rule of the shop, with its period totals (summed over variants) and each variant's uplift."""
    reported = {entry["rule_id"]: entry["variants"] for entry in report["rules"]}
    rows = []
    for rule in rules:
        variants = reported.get(rule.id, [])
        totals = {name: sum(v[name] for v in variants) for name in (
            "impressions", "clicks", "dismissals", "attributed_purchases", "popup_conversions", "attributed_revenue")}
        rows.append({
            "id": rule.id, "name": rule.name, "kind": rule.kind, "enabled": rule.enabled,
            "edit_url": f"/settings/rules/{rule.id}",
            **totals,
            "conversions": totals["attributed_purchases"] + totals["popup_conversions"],
            "click_through_rate": totals["clicks"] / totals["impressions"] if totals["impressions"] else None,
            "variants": variants,
            "daily": series.rules.get(rule.id),
        })
    return rows


def overall_totals(rows: list[dict]) -> dict:
    totals = {name: sum(row[name] for row in rows) for name in ("impressions", "clicks", "conversions", "attributed_revenue")}
    totals["click_through_rate"] = totals["clicks"] / totals["impressions"] if totals["impressions"] else None
    return totals


def percent(value: float) -> str:
    return f"{value:.0%}" if abs(value) >= 0.1 or value == 0 else f"{value:.1%}"


def overall_charts(series: Timeseries, currency: str) -> list[tuple[str, Markup]]:
    """(heading, chart) pairs; the heading doubles as the chart's accessible title."""
    labels = [f"{day:%b} {day.day}" for day in series.days]
    charts = [
        ("Impressions and clicks per day", lambda title: line_chart(title, labels, [
            Series("Impressions", [d.impressions for d in series.overall]),
            Series("Clicks", [d.clicks for d in series.overall])], integers=True)),
        ("Conversions per day (attributed purchases and pop-up sign-ups)", lambda title: bar_chart(
            title, labels, [d.conversions for d in series.overall], name="Conversions", integers=True)),
        (f"Attributed revenue per day ({currency})", lambda title: bar_chart(
            title, labels, [d.revenue for d in series.overall], name="Revenue", y_format=plain_number)),
        # Cumulative since the period's start: daily rates of a few visitors would only be noise.
        ("Conversion rate since the start of the period: personalized vs holdout", lambda title: line_chart(title, labels, [
            Series("Personalized", [p.personalized_rate for p in series.uplift]),
            Series("Holdout", [p.holdout_rate for p in series.uplift])], y_format=percent)),
    ]
    return [(title, draw(title)) for title, draw in charts]


def rule_charts(row: dict, series: Timeseries) -> list[tuple[str, Markup]]:
    labels = [f"{day:%b} {day.day}" for day in series.days]
    daily = row["daily"] or []
    return [
        ("Impressions and clicks", line_chart(f"{row['name']}: impressions and clicks per day", labels, [
            Series("Impressions", [d.impressions for d in daily]), Series("Clicks", [d.clicks for d in daily])],
            height=180, integers=True)),
        ("Conversions", bar_chart(f"{row['name']}: conversions per day", labels, [d.conversions for d in daily],
                                  name="Conversions", height=180, integers=True)),
    ]


@blueprint.get("/dashboard")
@login_required
def dashboard():
    try:
        query = PeriodSchema().load(request.args.to_dict())
    except ValidationError as error:
        return render_template("settings/dashboard.html", errors=error.normalized_messages(),
                               period={"from": request.args.get("from", ""), "to": request.args.get("to", "")}), 400
    first_day, last_day = resolve_period(query["start"], query["end"], utcnow().date())
    start, end = day_bounds(first_day, last_day)
    session = db.session()
    report = stats_report(session, g.shop.id, start, end)
    series = daily_series(session, g.shop.id, start, end)
    rules = list(session.scalars(select(Rule).where(Rule.shop_id == g.shop.id).order_by(Rule.priority.desc(), Rule.id)))
    rows = rule_rows(rules, report, series)
    for row in rows:
        row["charts"] = rule_charts(row, series)
    return render_template(
        "settings/dashboard.html", errors={}, period={"from": first_day.isoformat(), "to": last_day.isoformat()},
        rows=rows, totals=overall_totals(rows), overall=report["overall"], charts=overall_charts(series, g.shop.currency or ""),
        clv_bands=report["by_clv_band"], currency=g.shop.currency or "", holdout=holdout_percent(g.shop.settings),
        surveys=survey_section(session, g.shop.id, start, end),
    )
