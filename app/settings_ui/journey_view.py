"""The journey map as the Journey page shows it: the diagram, the tables and a segment link for every count.

Plain functions over app/journey/map.py's JourneyMap. A count links to the
segment editor with the conditions of its shoppers: the editor opens the
shop's segment with exactly those conditions, or shows them unsaved with
their live count (app/settings_ui/segments_pages.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from markupsafe import Markup

from app.journey.map import STEPS, JourneyMap, stage_now
from app.journey.stages import STAGES
from app.settings_ui.sankey import NARROW, WIDE, Band, Node, sankey
from app.settings_ui.segment_form import when_text

WORDS = {
    None: "Not seen yet", "new_visitor": "First-time visitor", "returning_browser": "Returning browser",
    "cart_builder": "Cart builder", "first_time_buyer": "First-time buyer", "loyal": "Repeat / loyal buyer",
    "lapsed": "Lapsed customer", "won_back": "Won back",
}
SHORT = {
    None: "Not seen", "new_visitor": "New", "returning_browser": "Returning", "cart_builder": "Cart",
    "first_time_buyer": "1st order", "loyal": "Loyal", "lapsed": "Lapsed", "won_back": "Won back",
}
TRAFFIC_WORDS = {"social": "Social", "search": "Search", "email": "Email", "paid": "Paid", "direct": "Direct", "referral": "Referral",
                 "all": "All shoppers"}
DEVICE_WORDS = {"mobile": "Mobile", "tablet": "Tablet", "desktop": "Desktop", None: "Unknown device", "all": "All shoppers"}


def segment_link(name: str, conditions: list[dict]) -> str:
    """The segment editor's address for these conditions (as its form would post them)."""
    params = {"name": name[:200], "match": "all"}
    for index, condition in enumerate(conditions):
        value = condition.get("value")
        params[f"conditions.{index}.field"] = condition["field"]
        params[f"conditions.{index}.op"] = condition["op"]
        params[f"conditions.{index}.value"] = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
        when = when_text(condition)
        if when:
            params[f"conditions.{index}.when"] = when
    return url_for("settings_ui.segment_new", **params)


def stage_now_link(stage: str) -> str:
    return segment_link(f"{WORDS[stage]} now", [stage_now((stage,))])


class JourneyView:
    """Words and links for one map."""

    def __init__(self, journey: JourneyMap):
        self.map = journey
        self.start_words = f"at the start of {_day(journey.start)}"
        self.end_words = "now" if journey.ends_now else f"at the end of {_day(journey.end - timedelta(seconds=1))}"

    def flow_link(self, before: str | None, after: str) -> str:
        name = f"{WORDS[before]} {self.start_words} → {WORDS[after].lower()} {self.end_words}"
        if before is None:
            name = f"First seen after the start of {_day(self.map.start)} → {WORDS[after].lower()} {self.end_words}"
        return segment_link(name, self.map.flow_conditions(before, after))

    def start_link(self, before: str | None) -> str:
        name = f"{WORDS[before]} {self.start_words}" if before else f"First seen after the start of {_day(self.map.start)}"
        return segment_link(name, self.map.start_conditions(before))

    def end_link(self, after: str) -> str:
        return segment_link(f"{WORDS[after]} {self.end_words}", self.map.end_conditions(after))

    def stall_link(self, stage: str) -> str:
        name = f"{WORDS[stage]} {self.end_words}, the same stage {self.map.stall_days} days before"
        return segment_link(name, self.map.stall_conditions(stage))

    def diagrams(self) -> tuple[Markup, Markup]:
        """The wide and the narrow Sankey of the period's moves."""
        moves = self.map.moves
        then, after = moves.then_counts(), moves.now_counts()
        drawn, end_heading = [], "Now" if self.map.ends_now else _short_day(self.map.end - timedelta(seconds=1))
        for layout, words in ((WIDE, WORDS), (NARROW, SHORT)):
            left = [Node(stage, words[stage], then.get(stage, 0), self.start_link(stage),
                         f"{WORDS[stage]} {self.start_words}: {then.get(stage, 0):,} shoppers") for stage in (*STAGES, None)]
            right = [Node(stage, words[stage], after[stage], self.end_link(stage),
                          f"{WORDS[stage]} {self.end_words}: {after[stage]:,} shoppers") for stage in STAGES]
            bands = [
                Band(before, target, count, self.flow_link(before, target),
                     f"{WORDS[before]} → {WORDS[target]}: {count:,} shoppers")
                for before, row in moves.moves.items() for target, count in row.items() if count
            ]
            drawn.append(sankey(
                f"Where shoppers went between {self.start_words} and {self.end_words}", left, right, bands, layout,
                left_heading=_short_day(self.map.start), right_heading=end_heading,
                css_class="sankey-wide" if layout is WIDE else "sankey-narrow",
            ))
        return drawn[0], drawn[1]

    def stall_rows(self) -> list[dict]:
        rows = []
        for stage in STAGES:
            stalled, total = self.map.stalled(stage)
            rows.append({"stage": stage, "label": WORDS[stage], "stalled": stalled, "total": total,
                         "share": stalled / total if total else None, "stalled_link": self.stall_link(stage), "total_link": self.end_link(stage)})
        return rows

    def conversion_rows(self, breakdown: str) -> list[dict]:
        words = TRAFFIC_WORDS if breakdown == "traffic_class" else DEVICE_WORDS
        rows = []
        for value, cells in self.map.conversions(breakdown):
            if value != "all" and not any(cell.base for cell in cells.values()):
                continue  # a source or device nobody came from
            label = words.get(value, str(value))
            rows.append({"value": value if value is not None else "unknown", "label": label, "cells": [
                {"step": step, "cell": cells[step.key],
                 "base_link": segment_link(f"{_step_start(step)} {self.start_words} ({label})", cells[step.key].base_conditions),
                 "converted_link": segment_link(f"{step.label} {self.end_words} ({label})", cells[step.key].converted_conditions)}
                for step in STEPS
            ]})
        return rows


def _step_start(step) -> str:
    return step.label.split(" → ")[0]


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _short_day(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}"
