"""How profiles moved between journey stages over a period: stage at its start -> stage at its end.

Counted by the database, grouped by where each shopper came from (first-touch
traffic class) and the device they were last seen on, so the journey map,
its conversion tables and its stall counts are each one aggregate query
(stages at a past moment are rebuilt as app/journey/history.py explains).

A period that ends now (or later) ends on the stages the profiles' traits
give now, exactly as decisions and segments see them; one that ended in the
past ends on the stages rebuilt at its end.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.journey.history import current_stage, dialect_of, live_profiles, materialized, stages_at
from app.journey.stages import STAGES, StageThresholds
from app.journey.traffic_class import traffic_class_sql
from app.models import Profile


@dataclass(frozen=True)
class Flow:
    """``profiles`` shoppers of one traffic class and device went from ``before`` (None: not seen yet) to ``after``."""

    before: str | None
    after: str
    traffic_class: str
    device: str | None
    profiles: int


@dataclass
class StageMoves:
    then: datetime
    now: datetime  # the end of the period
    flows: list[Flow] = field(default_factory=list)

    @property
    def moves(self) -> dict[str | None, dict[str, int]]:
        """stage then (None for profiles first seen since) -> stage at the end -> profiles."""
        table: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for flow in self.flows:
            table[flow.before][flow.after] += flow.profiles
        return table

    def count(self, before: str | None, after: str) -> int:
        return sum(flow.profiles for flow in self.flows if flow.before == before and flow.after == after)

    def now_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STAGES, 0)
        for flow in self.flows:
            counts[flow.after] += flow.profiles
        return counts

    def then_counts(self) -> dict[str | None, int]:
        counts: dict[str | None, int] = defaultdict(int)
        for flow in self.flows:
            counts[flow.before] += flow.profiles
        return dict(counts)


def stage_moves(session: Session, shop_id: int, now: datetime, days: int = 7,
                thresholds: StageThresholds = StageThresholds()) -> StageMoves:
    """The moves of the last ``days`` days, up to now."""
    return moves_between(session, shop_id, now - timedelta(days=days), now, now, thresholds)


def moves_between(session: Session, shop_id: int, start: datetime, end: datetime, now: datetime,
                  thresholds: StageThresholds = StageThresholds()) -> StageMoves:
    """Every profile seen before ``end``: its stage at ``start`` and at ``end`` (now, when ``end`` is not past)."""
    rows = session.execute(moves_query(dialect_of(session), shop_id, start, end, now, thresholds))
    return StageMoves(start, min(end, now), [Flow(*row) for row in rows])


def moves_query(dialect: str, shop_id: int, start: datetime, end: datetime, now: datetime, thresholds: StageThresholds) -> Select:
    """(before, after, traffic class, device, profiles), grouped by the database."""
    then = materialized(stages_at(dialect, shop_id, start, now, thresholds))
    if end >= now:
        after, query = current_stage(now, thresholds, dialect), select().select_from(Profile).where(*live_profiles(shop_id))
    else:
        ended = materialized(stages_at(dialect, shop_id, end, now, thresholds))
        after, query = ended.c.stage, select().select_from(Profile).join(ended, ended.c.profile_id == Profile.id)
    # Grouped outside: PostgreSQL cannot match a GROUP BY expression whose bound values are numbered anew.
    per_profile = query.add_columns(
        then.c.stage.label("before"), after.label("after"),
        traffic_class_sql(Profile.traffic_source, Profile.traffic_medium).label("traffic_class"), Profile.device.label("device"),
    ).outerjoin(then, then.c.profile_id == Profile.id).subquery("per_profile")
    columns = (per_profile.c.before, per_profile.c.after, per_profile.c.traffic_class, per_profile.c.device)
    return select(*columns, func.count()).group_by(*columns)


def stage_counts(session: Session, shop_id: int, now: datetime, thresholds: StageThresholds = StageThresholds()) -> dict[str, int]:
    """Profiles per stage now, from the traits kept on each profile."""
    stages = select(current_stage(now, thresholds, dialect_of(session)).label("stage")).where(*live_profiles(shop_id)).subquery("stages")
    counts = dict.fromkeys(STAGES, 0)
    counts.update(session.execute(select(stages.c.stage, func.count()).group_by(stages.c.stage)).all())
    return counts
