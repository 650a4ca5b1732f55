"""Which widget gets credit for an add-to-cart or a purchase: plain functions over event tuples.

A conversion is credited to the latest click on a widget by the same profile
within the click window (a click-through, "within the session"); failing
that, to the latest impression within the view window (a view-through).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

CLICK_WINDOW = timedelta(minutes=30)
VIEW_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Touch:
    profile_id: int
    at: datetime
    rule_id: int
    variant: str | None
    kind: str  # "click" | "impression"


@dataclass(frozen=True)
class Conversion:
    profile_id: int
    at: datetime
    kind: str  # "add_to_cart" | "purchase"
    value: float


def attribute(
    touches: list[Touch], conversions: list[Conversion], click_window: timedelta = CLICK_WINDOW, view_window: timedelta = VIEW_WINDOW
) -> list[tuple[Conversion, Touch, str]]:
    """``(conversion, touch, "click"|"view")`` for every conversion some widget earned."""
    by_profile: dict[int, dict[str, list[Touch]]] = {}
    for touch in sorted(touches, key=lambda t: t.at):
        by_profile.setdefault(touch.profile_id, {"click": [], "impression": []})[touch.kind].append(touch)
    credited = []
    for conversion in conversions:
        touched = by_profile.get(conversion.profile_id)
        if touched is None:
            continue
        click = _latest_before(touched["click"], conversion.at, click_window)
        if click is not None:
            credited.append((conversion, click, "click"))
            continue
        seen = _latest_before(touched["impression"], conversion.at, view_window)
        if seen is not None:
            credited.append((conversion, seen, "view"))
    return credited


def _latest_before(touches: list[Touch], at: datetime, window: timedelta) -> Touch | None:
    index = bisect.bisect_right([touch.at for touch in touches], at)
    if index == 0:
        return None
    touch = touches[index - 1]
    return touch if at - touch.at <= window else None
