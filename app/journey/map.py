"""The journey map: flows between stages over a period, where shoppers stall, and conversion between
stages by traffic source and device; each count with the segment conditions that select its shoppers.

Plain functions over StageMoves (two aggregate queries per map: the
period's moves, and the moves over the stall window before its end).
A segment with the conditions given here counts exactly the shoppers the
map counted: the same stage rebuilt at the same moments, the same current
traits when the period ends now.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.journey.moves import StageMoves, moves_between
from app.journey.stages import STAGES, StageThresholds
from app.journey.traffic_class import TRAFFIC_CLASSES

BUYERS = ("first_time_buyer", "loyal")


@dataclass(frozen=True)
class Step:
    """A conversion between stages: shoppers in one of ``before`` at the start who are in one of ``after`` at the end."""

    key: str
    label: str
    before: tuple[str | None, ...]  # None: first seen during the period
    after: tuple[str, ...]


STEPS = (
    Step("newcomers", "New shoppers → cart or order", (None,), ("cart_builder", *BUYERS)),
    Step("browsers", "Browsers → cart or order", ("new_visitor", "returning_browser"), ("cart_builder", *BUYERS)),
    Step("carts", "Cart → first order", ("cart_builder",), BUYERS),
    Step("repeat", "First order → repeat buyer", ("first_time_buyer",), ("loyal",)),
    Step("win_back", "Lapsed → won back", ("lapsed",), BUYERS),
)
BREAKDOWNS = {"traffic_class": TRAFFIC_CLASSES, "device": ("mobile", "tablet", "desktop", None)}


@dataclass(frozen=True)
class Cell:
    """One conversion figure: ``converted`` of ``base`` shoppers, and the conditions of each group."""

    base: int
    converted: int
    base_conditions: list[dict]
    converted_conditions: list[dict]

    @property
    def rate(self) -> float | None:
        return self.converted / self.base if self.base else None


@dataclass
class JourneyMap:
    start: datetime
    end: datetime
    now: datetime
    moves: StageMoves
    stall_days: int
    stall_moves: StageMoves

    @property
    def ends_now(self) -> bool:
        return self.end >= self.now

    def flow_conditions(self, before: str | None, after: str) -> list[dict]:
        return [stage_at(self.start, (before,)), self.end_condition((after,))]

    def start_conditions(self, before: str | None) -> list[dict]:
        return [stage_at(self.start, (before,)), *self._seen_by_the_end()]

    def end_conditions(self, after: str) -> list[dict]:
        return [self.end_condition((after,))]

    def end_condition(self, stages: tuple[str, ...]) -> dict:
        return stage_now(stages) if self.ends_now else stage_at(self.end, stages)

    def stalled(self, stage: str) -> tuple[int, int]:
        """(in ``stage`` at the end and already in it ``stall_days`` days before, in ``stage`` at the end)."""
        return self.stall_moves.count(stage, stage), self.stall_moves.now_counts()[stage]

    def stall_conditions(self, stage: str) -> list[dict]:
        earlier = (
            {"field": "stage", "op": "eq", "value": stage, "days_ago": self.stall_days} if self.ends_now
            else stage_at(self.end - timedelta(days=self.stall_days), (stage,))
        )
        return [self.end_condition((stage,)), earlier]

    def conversions(self, breakdown: str) -> list[tuple[str | None, dict[str, Cell]]]:
        """Rows for each value of ``breakdown`` ("traffic_class" or "device"), then all shoppers (value "all")."""
        rows = []
        for value in (*BREAKDOWNS[breakdown], "all"):
            group = [] if value == "all" else [breakdown_condition(breakdown, value)]
            cells = {}
            for step in STEPS:
                flows = [f for f in self.moves.flows if f.before in step.before and (value == "all" or getattr(f, breakdown) == value)]
                base_conditions = [stage_at(self.start, step.before), *self._seen_by_the_end(), *group]
                cells[step.key] = Cell(
                    base=sum(f.profiles for f in flows),
                    converted=sum(f.profiles for f in flows if f.after in step.after),
                    base_conditions=base_conditions,
                    converted_conditions=[stage_at(self.start, step.before), self.end_condition(step.after), *group],
                )
            rows.append((value, cells))
        return rows

    def _seen_by_the_end(self) -> list[dict]:
        # A map that ends in the past counts only the shoppers seen by its end; now, everyone is.
        return [] if self.ends_now else [{"field": "stage", "op": "is_set", "value": None, "as_of": self.end.isoformat()}]


def journey_map(session: Session, shop_id: int, start: datetime, end: datetime, now: datetime, stall_days: int,
                thresholds: StageThresholds = StageThresholds()) -> JourneyMap:
    end = min(end, now)
    return JourneyMap(
        start=start, end=end, now=now,
        moves=moves_between(session, shop_id, start, end, now, thresholds),
        stall_days=stall_days,
        stall_moves=moves_between(session, shop_id, end - timedelta(days=stall_days), end, now, thresholds),
    )


def stage_at(moment: datetime, stages: tuple[str | None, ...]) -> dict:
    """The condition "the stage at ``moment`` was one of ``stages``" (None alone: not seen yet then)."""
    if stages == (None,):
        return {"field": "stage", "op": "is_not_set", "value": None, "as_of": moment.isoformat()}
    return {**_stage_is(stages), "as_of": moment.isoformat()}


def stage_now(stages: tuple[str, ...]) -> dict:
    return _stage_is(stages)


def breakdown_condition(breakdown: str, value: str | None) -> dict:
    if value is None:
        return {"field": breakdown, "op": "is_not_set", "value": None}
    return {"field": breakdown, "op": "eq", "value": value}


def _stage_is(stages: tuple[str | None, ...]) -> dict:
    known = [stage for stage in stages if stage in STAGES]
    if len(known) == 1:
        return {"field": "stage", "op": "eq", "value": known[0]}
    return {"field": "stage", "op": "in", "value": known}
