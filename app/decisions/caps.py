"""Frequency caps as the server sees them: what this profile was already shown, and what it converted on."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.recommender.serving.visitor import VisitorContext


@dataclass
class WidgetHistory:
    last_shown: dict[int, datetime] = field(default_factory=dict)
    converted: set[int] = field(default_factory=set)


def widget_history(visitor: VisitorContext) -> WidgetHistory:
    """From the visitor's one read of their history (app/recommender/serving/visitor.py)."""
    history = WidgetHistory()
    for (rule, kind), at in visitor.widget_events.items():
        if kind == "popup_submit":
            history.converted.add(rule)
        else:
            history.last_shown[rule] = at
    return history


def allowed_by_caps(rule_id: int, frequency: dict, history: WidgetHistory, now: datetime) -> bool:
    """Server-side caps; once-per-session is the script's to keep (it knows the session)."""
    if frequency.get("stop_after_conversion", True) and rule_id in history.converted:
        return False
    every_days = frequency.get("every_days")
    shown = history.last_shown.get(rule_id)
    if every_days and shown is not None and now - shown < timedelta(days=every_days):
        return False
    return True
