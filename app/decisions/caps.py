"""Frequency caps as the server sees them: what this profile was already shown, and what it converted on."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Event, Profile


@dataclass
class WidgetHistory:
    last_shown: dict[int, datetime] = field(default_factory=dict)
    converted: set[int] = field(default_factory=set)


def widget_history(session: Session, profile: Profile | None) -> WidgetHistory:
    history = WidgetHistory()
    if profile is None:
        return history
    rule_id = Event.props["rule_id"].as_integer()
    rows = session.execute(
        select(rule_id, Event.type, func.max(Event.occurred_at))
        .where(Event.shop_id == profile.shop_id, Event.profile_id == profile.id, Event.type.in_(("widget_impression", "popup_submit")))
        .group_by(rule_id, Event.type)
    )
    for rule, kind, at in rows:
        if rule is None:
            continue
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
