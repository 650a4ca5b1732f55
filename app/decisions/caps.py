"""Frequency caps as the server sees them: what this profile was already shown, and what it converted on."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.recommender.serving.visitor import VisitorContext


class WidgetHistory:
    """What the visitor converted on (remembered with their history: a conversion changes its version) and when
    each widget was last shown (read afresh, and only for a rule with an ``every_days`` cap: nearly every page
    view shows a widget)."""

    def __init__(self, visitor: VisitorContext):
        self._visitor = visitor
        self._converted: frozenset[int] | None = None
        self._last_shown: dict[int, datetime] | None = None

    @property
    def converted(self) -> frozenset[int]:
        if self._converted is None:
            visitor = self._visitor
            self._converted = visitor.remembered(("converted",), lambda: frozenset(
                rule for (rule, kind) in visitor.widget_events if kind == "popup_submit"
            ))
        return self._converted

    @property
    def last_shown(self) -> dict[int, datetime]:
        if self._last_shown is None:
            self._last_shown = {rule: at for (rule, kind), at in self._visitor.widget_events.items() if kind != "popup_submit"}
        return self._last_shown


def widget_history(visitor: VisitorContext) -> WidgetHistory:
    """From the visitor's history (app/recommender/serving/visitor.py), each part read when first asked for."""
    return WidgetHistory(visitor)


def allowed_by_caps(rule_id: int, frequency: dict, history: WidgetHistory, now: datetime) -> bool:
    """Server-side caps; once-per-session is the script's to keep (it knows the session)."""
    if frequency.get("stop_after_conversion", True) and rule_id in history.converted:
        return False
    every_days = frequency.get("every_days")
    if not every_days:
        return True
    shown = history.last_shown.get(rule_id)
    return shown is None or now - shown >= timedelta(days=every_days)
