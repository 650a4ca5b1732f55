"""NPS and CSAT for a shop and period: overall, over time, by stage, segment and CLV band at answer time.

Every figure comes from counts of answers per score that the database
groups (one small query per breakdown); app/surveys/scores.py turns each
group's counts into a score with its interval.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.journey.stages import STAGES
from app.models import Profile, Rule, Segment, SurveyAnswer, SurveyAnswerSegment
from app.stats.report import CLV_BANDS, UNKNOWN_CLV_BAND
from app.surveys.scores import SCORERS, Score
from app.surveys.vocabulary import SURVEY_KINDS

WEEKLY_UP_TO_DAYS = 120  # longer periods are plotted by month
LATEST_COMMENTS = 10


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    score: Score


@dataclass
class KindReport:
    kind: str
    overall: Score
    over_time: list[tuple[str, Score]] = field(default_factory=list)
    by_stage: list[Row] = field(default_factory=list)
    by_segment: list[Row] = field(default_factory=list)
    by_clv_band: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Comment:
    answered_at: datetime
    kind: str
    score: int
    comment: str
    stage: str | None
    survey: str | None


def survey_report(session: Session, shop_id: int, start: datetime, end: datetime, stage_labels: dict[str, str]) -> dict:
    """{"kinds": [KindReport for each kind with answers or a survey rule], "comments": the latest comments, "surveys": rule names}."""
    surveys = [rule for rule in session.scalars(select(Rule).where(Rule.shop_id == shop_id, Rule.kind == "popup").order_by(Rule.id))
               if (rule.content or {}).get("survey")]
    asked = {rule.content["survey"]["kind"] for rule in surveys}
    reports = []
    for kind in SURVEY_KINDS:
        counts = _counts(session, shop_id, kind, start, end)
        if not counts and kind not in asked:
            continue
        score = SCORERS[kind]
        report = KindReport(kind, score(counts.get("all", {})))
        report.over_time = _over_time(session, shop_id, kind, start, end, score)
        stages = _counts(session, shop_id, kind, start, end, SurveyAnswer.stage)
        report.by_stage = [Row(stage or "unknown", stage_labels.get(stage, "Not known (no profile)"), score(stages[stage]))
                           for stage in (*STAGES, None) if stage in stages]
        bands = _counts(session, shop_id, kind, start, end, SurveyAnswer.clv_band)
        report.by_clv_band = [Row(key, label, score(bands[key])) for key, label in [(k, lbl) for k, lbl, _ in CLV_BANDS] + [UNKNOWN_CLV_BAND]
                              if key in bands]
        report.by_segment = _by_segment(session, shop_id, kind, start, end, score)
        reports.append(report)
    return {"kinds": reports, "comments": latest_comments(session, shop_id, start, end), "surveys": surveys}


def _in_period(shop_id: int, kind: str, start: datetime, end: datetime) -> list:
    return [SurveyAnswer.shop_id == shop_id, SurveyAnswer.kind == kind, SurveyAnswer.created_at >= start, SurveyAnswer.created_at < end]


def _counts(session: Session, shop_id: int, kind: str, start: datetime, end: datetime, group=None) -> dict:
    """group value (or "all") -> score -> answers."""
    columns = [group] if group is not None else []
    rows = session.execute(select(*columns, SurveyAnswer.score, func.count()).where(*_in_period(shop_id, kind, start, end))
                           .group_by(*columns, SurveyAnswer.score))
    counts: dict = defaultdict(dict)
    for row in rows:
        key = row[0] if group is not None else "all"
        counts[key][row[-2]] = row[-1]
    return dict(counts)


def _by_segment(session, shop_id, kind, start, end, score) -> list[Row]:
    rows = session.execute(
        select(Segment.id, Segment.name, SurveyAnswer.score, func.count())
        .join(SurveyAnswerSegment, SurveyAnswerSegment.answer_id == SurveyAnswer.id)
        .join(Segment, Segment.id == SurveyAnswerSegment.segment_id)
        .where(*_in_period(shop_id, kind, start, end), Segment.shop_id == shop_id)
        .group_by(Segment.id, Segment.name, SurveyAnswer.score)
    )
    counts, names = defaultdict(dict), {}
    for segment_id, name, value, answers in rows:
        counts[segment_id][value] = answers
        names[segment_id] = name
    return sorted((Row(str(segment_id), names[segment_id], score(found)) for segment_id, found in counts.items()),
                  key=lambda row: (-row.score.answers, row.label))


def _over_time(session, shop_id, kind, start, end, score) -> list[tuple[str, Score]]:
    """Weekly (monthly for long periods) scores: a daily NPS of a handful of answers would only be noise."""
    day = func.date(SurveyAnswer.created_at)
    daily = session.execute(select(day, SurveyAnswer.score, func.count()).where(*_in_period(shop_id, kind, start, end))
                            .group_by(day, SurveyAnswer.score))
    monthly = (end - start).days > WEEKLY_UP_TO_DAYS
    buckets = _buckets(start.date(), (end - timedelta(microseconds=1)).date(), monthly)
    counts: dict[date, dict[int, int]] = {first: defaultdict(int) for first, _ in buckets}
    firsts = [first for first, _ in buckets]
    for answered, value, answers in daily:
        answered = answered if isinstance(answered, date) else date.fromisoformat(str(answered)[:10])
        bucket = max(first for first in firsts if first <= answered)
        counts[bucket][value] += answers
    return [(label, score(dict(counts[first]))) for first, label in buckets]


def _buckets(first_day: date, last_day: date, monthly: bool) -> list[tuple[date, str]]:
    """(first day, label) of each week (from Monday) or month touching the period; the first starts with the period."""
    buckets, day = [], first_day
    while day <= last_day:
        buckets.append((day, f"{day:%b} {day.year}" if monthly else f"{day:%b} {day.day}"))
        if monthly:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        else:
            day = day + timedelta(days=7 - day.weekday())
    return buckets


def latest_comments(session: Session, shop_id: int, start: datetime, end: datetime, limit: int = LATEST_COMMENTS) -> list[Comment]:
    rows = session.execute(
        select(SurveyAnswer.created_at, SurveyAnswer.kind, SurveyAnswer.score, SurveyAnswer.comment, SurveyAnswer.stage, Rule.name)
        .outerjoin(Rule, (Rule.id == SurveyAnswer.rule_id) & (Rule.shop_id == shop_id))
        .where(SurveyAnswer.shop_id == shop_id, SurveyAnswer.comment.is_not(None), SurveyAnswer.created_at >= start, SurveyAnswer.created_at < end)
        .order_by(SurveyAnswer.created_at.desc(), SurveyAnswer.id.desc()).limit(limit)
    )
    return [Comment(*row) for row in rows]


def answers_for_export(session: Session, shop_id: int, start: datetime | None = None, end: datetime | None = None):
    """Every answer (of the period, if given), oldest first, with its survey's name, customer id and segment names."""
    query = (
        select(SurveyAnswer.id, SurveyAnswer.created_at, Rule.name, SurveyAnswer.kind, SurveyAnswer.score, SurveyAnswer.comment,
               SurveyAnswer.stage, SurveyAnswer.clv_band, Profile.customer_id, SurveyAnswer.visitor_id)
        .outerjoin(Rule, (Rule.id == SurveyAnswer.rule_id) & (Rule.shop_id == shop_id))
        .outerjoin(Profile, (Profile.id == SurveyAnswer.profile_id) & (Profile.shop_id == shop_id))
        .where(SurveyAnswer.shop_id == shop_id).order_by(SurveyAnswer.created_at, SurveyAnswer.id)
    )
    if start is not None:
        query = query.where(SurveyAnswer.created_at >= start, SurveyAnswer.created_at < end)
    segments = dict(session.execute(select(Segment.id, Segment.name).where(Segment.shop_id == shop_id)).all())
    for rows in session.execute(query.execution_options(yield_per=1000)).partitions():
        member_of = defaultdict(list)
        for answer_id, segment_id in session.execute(select(SurveyAnswerSegment.answer_id, SurveyAnswerSegment.segment_id).where(
                SurveyAnswerSegment.shop_id == shop_id, SurveyAnswerSegment.answer_id.in_([row.id for row in rows]))):
            member_of[answer_id].append(segments.get(segment_id, f"#{segment_id}"))
        for row in rows:
            yield row, sorted(member_of[row.id])
