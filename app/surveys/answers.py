"""Storing a shopper's survey answer, with who they were when they answered. Plain functions; the caller commits.

The answer comes through the public key, so everything in it is the
shopper's (or an attacker's) word: the survey must be one of the shop's
survey pop-ups, the score must be on that survey's scale, and the comment is
kept as plain text without control characters. What the shopper was then
(stage, segments, predicted-CLV band) is looked up here, never taken from
the request.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.journey.segments import matches, profile_traits, with_history
from app.journey.stages import StageThresholds
from app.models import Profile, Rule, Segment, Shop, SurveyAnswer, SurveyAnswerSegment, VisitorId
from app.resources.errors import Conflict, Invalid
from app.stats.report import CLV_BANDS, UNKNOWN_CLV_BAND
from app.surveys.vocabulary import SCALES

INVALID = "Invalid answer; nothing was stored."
# Without a cap on the survey, one answer per shopper and survey a day: a double click, a second tab.
REPEAT_WINDOW_DAYS = 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def survey_of(rule: Rule | None) -> dict | None:
    """The survey a rule asks, or None (not a pop-up, or a pop-up without a question)."""
    if rule is None or rule.kind != "popup":
        return None
    return (rule.content or {}).get("survey") or None


def clv_band(percentile: float | None) -> str:
    """The stats report's band of predicted CLV for a profile's percentile within the shop."""
    if percentile is None:
        return UNKNOWN_CLV_BAND[0]
    return next(key for key, _label, lowest in CLV_BANDS if percentile >= lowest)


def clean_comment(text: str | None) -> str | None:
    """Plain text: line breaks kept, other control characters (NUL among them) dropped; blank is no comment."""
    if text is None:
        return None
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text or None


def record_answer(session: Session, shop: Shop, data: dict, now: datetime) -> SurveyAnswer:
    """Store one answer (``data`` as app/schemas/surveys.py loads it); Invalid or Conflict otherwise."""
    rule = session.scalar(select(Rule).where(Rule.id == data["rule_id"], Rule.shop_id == shop.id))
    survey = survey_of(rule)
    if survey is None:
        raise Invalid(INVALID, {"rule_id": ["No such survey."]})
    low, high = SCALES[survey["kind"]]
    if not low <= data["score"] <= high:
        raise Invalid(INVALID, {"score": [f"Must be a whole number from {low} to {high}."]})
    profile = _profile(session, shop.id, data.get("visitor_id"))
    if profile is not None and _answered_lately(session, rule, profile, now):
        raise Conflict("This shopper has already answered this survey.")
    thresholds = StageThresholds.from_settings(shop.settings)
    answer = SurveyAnswer(
        shop_id=shop.id, rule_id=rule.id, kind=survey["kind"], score=data["score"],
        comment=clean_comment(data.get("comment")) if survey.get("comment", True) else None,
        profile_id=profile.id if profile else None, visitor_id=data.get("visitor_id"), decision_id=data.get("decision_id"),
        variant=data.get("variant"), created_at=now,
        # A visitor we have no profile for is not a first-time visitor: we do not know what they are.
        stage=profile_traits(profile, now, thresholds)["stage"] if profile else None,
        clv_band=clv_band(profile.clv_percentile if profile else None),
    )
    session.add(answer)
    session.flush()
    for segment_id in _matching_segments(session, shop, profile, now, thresholds):
        session.add(SurveyAnswerSegment(shop_id=shop.id, answer_id=answer.id, segment_id=segment_id))
    session.flush()
    return answer


def _profile(session: Session, shop_id: int, visitor_id: str | None) -> Profile | None:
    if not visitor_id:
        return None
    return session.scalar(select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
        VisitorId.shop_id == shop_id, VisitorId.visitor_id == visitor_id))


def _answered_lately(session: Session, rule: Rule, profile: Profile, now: datetime) -> bool:
    days = (rule.frequency or {}).get("every_days") or REPEAT_WINDOW_DAYS
    return session.scalar(select(SurveyAnswer.id).where(
        SurveyAnswer.shop_id == rule.shop_id, SurveyAnswer.rule_id == rule.id, SurveyAnswer.profile_id == profile.id,
        SurveyAnswer.created_at > now - timedelta(days=days)).limit(1)) is not None


def _matching_segments(session: Session, shop: Shop, profile: Profile | None, now: datetime, thresholds: StageThresholds) -> list[int]:
    """Every segment of the shop the shopper is in at answer time (none for a shopper we do not know)."""
    if profile is None:
        return []
    segments = session.scalars(select(Segment).where(Segment.shop_id == shop.id).order_by(Segment.id)).all()
    traits = with_history(session, shop, profile, profile_traits(profile, now, thresholds),
                          [condition for segment in segments for condition in segment.conditions], now)
    return [segment.id for segment in segments if matches(segment.match, segment.conditions, traits, now)]
