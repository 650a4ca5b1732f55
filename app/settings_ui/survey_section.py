"""The dashboard's survey section (NPS and CSAT with intervals: overall, over time, by stage, segment and CLV band),
and the answers as CSV."""
from __future__ import annotations

from flask import Response, g, request, stream_with_context
from markupsafe import Markup
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app import db
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.charts import interval_chart
from app.settings_ui.csv_export import csv_lines
from app.settings_ui.labels import STAGE_LABELS
from app.settings_ui.period import PeriodSchema, day_bounds
from app.surveys.report import KindReport, answers_for_export, survey_report
from app.surveys.scores import Score

TITLES = {"nps": "Net Promoter Score", "csat": "Customer satisfaction (CSAT)"}
CSV_COLUMNS = ("answered_at", "survey", "kind", "score", "category", "comment", "stage", "clv_band", "segments", "customer_id", "visitor_id")


def signed_points(value: float) -> str:
    return f"{value:+.0f}"


def share(value: float) -> str:
    return f"{value:.0%}"


FORMATS = {"nps": signed_points, "csat": share}


def survey_section(session: Session, shop_id: int, start, end) -> dict | None:
    """What the dashboard shows of the shop's surveys in the period; None when it has neither surveys nor answers."""
    report = survey_report(session, shop_id, start, end, STAGE_LABELS)
    if not report["kinds"] and not report["surveys"]:
        return None
    return {"kinds": [_kind(kind) for kind in report["kinds"]], "comments": report["comments"], "surveys": report["surveys"]}


def _kind(report: KindReport) -> dict:
    formatted = FORMATS[report.kind]
    title = TITLES[report.kind]
    points = [(s.value, s.low, s.high, s.answers) if s.answers else None for _, s in report.over_time]
    chart: Markup = interval_chart(f"{title} over time, with 95% intervals", [label for label, _ in report.over_time], points,
                                   y_format=formatted, bounds=(-100, 100) if report.kind == "nps" else (0, 1), height=200)
    return {
        "kind": report.kind, "title": title, "score": report.overall, "text": _text(report.overall, formatted), "chart": chart,
        "breakdowns": [("By stage when they answered", report.by_stage), ("By segment when they answered", report.by_segment),
                       ("By predicted lifetime value", report.by_clv_band)],
        "format": lambda score: _text(score, formatted),
    }


def _text(score: Score, formatted) -> dict:
    if not score.answers:
        return {"value": "—", "range": "", "interval": "", "answers": 0}
    span = f"{formatted(score.low)} to {formatted(score.high)}"
    return {"value": formatted(score.value), "range": span, "interval": f"95% CI {span}", "answers": score.answers}


@blueprint.get("/surveys.csv")
@login_required
def survey_answers_csv():
    """Every answer (of the period when ``from`` and ``to`` are given), oldest first."""
    try:
        period = PeriodSchema().load(request.args.to_dict())
    except ValidationError:
        period = {"start": None, "end": None}
    bounds = day_bounds(period["start"], period["end"]) if period["start"] and period["end"] else (None, None)
    shop_id = g.shop.id
    rows = ([row.created_at.isoformat(), row.name or "", row.kind, row.score, _category(row.kind, row.score), row.comment or "",
             row.stage or "", row.clv_band, "; ".join(segments), row.customer_id or "", row.visitor_id or ""]
            for row, segments in answers_for_export(db.session(), shop_id, *bounds))
    lines = stream_with_context(line.encode("utf-8") for line in csv_lines(CSV_COLUMNS, rows))
    return Response(lines, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="survey-answers-shop-{shop_id}.csv"',
    })


def _category(kind: str, score: int) -> str:
    if kind == "nps":
        return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return "satisfied" if score >= 4 else "neutral" if score == 3 else "dissatisfied"
