"""Segments: all/any of ``field op value`` conditions over a shopper's stage and traits. Plain functions.

A stage condition may look back: ``"as_of"`` (an ISO 8601 moment) or
``"days_ago"`` (N days before now) asks for the stage then, rebuilt from the
history (app/journey/history.py), so "cart builders on Nov 1 who are
first-time buyers now" is a segment like any other.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.journey.facts import journey_facts
from app.journey.history import dialect_of, stages_at
from app.journey.stages import StageThresholds, stage_for
from app.journey.traffic_class import traffic_class
from app.journey.traits import top_categories
from app.models import Profile

log = logging.getLogger(__name__)

# Field -> type; the type decides which operators apply.
FIELDS = {
    "stage": "string", "traffic_class": "string", "device": "string", "country": "string",
    "session_count": "number", "order_count": "number", "total_spend": "number", "cart_count": "number",
    "cart_value": "number", "days_since_last_order": "number",
    # Lifetime value (app/clv): historical, kept current with every order...
    "average_order_value": "number", "tenure_days": "number",
    # ...and predicted, as of the shop's last refit (unknown until then, and for non-buyers).
    "predicted_clv": "number", "p_alive": "number", "expected_orders_90d": "number", "clv_percentile": "number",
    "top_categories": "list",
    "first_seen_at": "date", "last_seen_at": "date", "last_order_at": "date",
}
# Fields whose past value a condition may ask for (as_of / days_ago).
HISTORICAL_FIELDS = ("stage",)
OPERATORS = {
    "number": {"eq", "ne", "gt", "gte", "lt", "lte", "is_set", "is_not_set"},
    "string": {"eq", "ne", "in", "not_in", "contains", "starts_with", "is_set", "is_not_set"},
    "list": {"contains", "not_contains", "any_of", "is_set", "is_not_set"},
    "date": {"before", "after", "within_days", "not_within_days", "is_set", "is_not_set"},
}


def profile_traits(
    profile, now: datetime, thresholds: StageThresholds = StageThresholds(), cart_count: int | None = None
) -> dict:
    """What segments and targeting see of a profile (None: a visitor we know nothing about yet).

    ``cart_count`` from the page overrides ours when the page knows its cart.
    """
    facts = journey_facts(profile, cart_count)
    if profile is None:
        return {"stage": stage_for(facts, now, thresholds), "traffic_class": "direct", "session_count": 0, "order_count": 0,
                "total_spend": 0.0, "cart_count": facts.cart_count, "cart_value": 0.0, "top_categories": []}
    last_order, first_order = profile.last_order_at, profile.first_order_at
    orders = profile.order_count or 0
    return {
        "stage": stage_for(facts, now, thresholds),
        "traffic_class": traffic_class(profile.traffic_source, profile.traffic_medium),
        "device": profile.device,
        "country": profile.country,
        "session_count": profile.session_count or 0,
        "order_count": profile.order_count or 0,
        "total_spend": float(profile.total_spend or 0),
        "cart_count": facts.cart_count,
        "cart_value": float(profile.cart_value or 0),
        "days_since_last_order": (now - last_order).days if last_order else None,
        "average_order_value": float(profile.total_spend or 0) / orders if orders else None,
        "tenure_days": (now - first_order).days if first_order else None,
        "predicted_clv": float(profile.predicted_clv) if profile.predicted_clv is not None else None,
        "p_alive": profile.p_alive,
        "expected_orders_90d": profile.expected_orders_90d,
        "clv_percentile": profile.clv_percentile,
        "top_categories": top_categories(profile.viewed_categories),
        "first_seen_at": profile.first_seen_at,
        "last_seen_at": profile.last_seen_at,
        "last_order_at": last_order,
    }


def matches(match: str, conditions: list[dict], traits: dict, now: datetime) -> bool:
    """Whether the traits meet all (or any) of the conditions.

    Total: a condition that cannot be evaluated (a segment stored before its
    values were checked, or written by hand) does not hold, and never raises,
    so one bad segment cannot take a shop's widgets down with a 500.
    """
    if not conditions:
        return True
    if not isinstance(conditions, list):
        return False
    results = (_holds_safely(condition, traits, now) for condition in conditions)
    return any(results) if match == "any" else all(results)


def condition_key(condition: dict) -> str:
    """The traits key a condition reads: the field, or the field at the moment it looks back to."""
    if condition.get("as_of"):
        return f"{condition['field']}@{condition['as_of']}"
    if condition.get("days_ago") is not None:
        return f"{condition['field']}@{condition['days_ago']}d"
    return condition["field"]


def looking_back(conditions: list[dict], now: datetime) -> dict[str, datetime]:
    """The traits keys of the conditions that look back, with the moment each looks back to."""
    moments = {}
    for condition in conditions if isinstance(conditions, list) else ():
        if not isinstance(condition, dict):
            continue  # a malformed stored condition holds for nobody (matches() says so); it looks back nowhere
        try:
            if condition.get("as_of"):
                moments[condition_key(condition)] = datetime.fromisoformat(condition["as_of"])
            elif condition.get("days_ago") is not None:
                moments[condition_key(condition)] = now - timedelta(days=condition["days_ago"])
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
    return moments


def past_stages(session, shop, conditions: list[dict], now: datetime, profile_id: int | None = None) -> dict[str, dict[int, str]]:
    """For each look-back key of ``conditions``: profile id -> stage then (absent: not seen yet then).

    One aggregate query per moment, for the whole shop or for one profile.
    """
    thresholds = StageThresholds.from_settings(shop.settings)
    return {
        key: dict(session.execute(stages_at(dialect_of(session), shop.id, moment, now, thresholds, profile_id)).all())
        for key, moment in looking_back(conditions, now).items()
    }


def with_history(session, shop, profile, traits: dict, conditions: list[dict], now: datetime) -> dict:
    """``traits`` plus the past stages ``conditions`` look back to (a visitor we do not know had none)."""
    moments = looking_back(conditions, now)
    if not moments:
        return traits
    if profile is None:
        return {**traits, **dict.fromkeys(moments)}
    found = past_stages(session, shop, conditions, now, profile.id)
    return {**traits, **{key: stages.get(profile.id) for key, stages in found.items()}}


def _holds_safely(condition, traits: dict, now: datetime) -> bool:
    try:
        return _holds(condition, traits, now)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        log.warning("segment condition %r cannot be evaluated; it does not hold", condition)
        return False


def _holds(condition: dict, traits: dict, now: datetime) -> bool:
    op, expected = condition["op"], condition.get("value")
    if condition["field"] not in FIELDS:
        return False
    actual = traits.get(condition_key(condition))
    if op == "is_set":
        return actual not in (None, "", [])
    if op == "is_not_set":
        return actual in (None, "", [])
    if actual is None:
        return op in ("ne", "not_in", "not_contains", "not_within_days")
    if op in ("eq", "ne", "gt", "gte", "lt", "lte") and isinstance(actual, (int, float, Decimal)):
        actual, expected = float(actual), float(expected)
    if op == "eq":
        return _norm(actual) == _norm(expected)
    if op == "ne":
        return _norm(actual) != _norm(expected)
    if op == "gt":
        return actual > expected
    if op == "gte":
        return actual >= expected
    if op == "lt":
        return actual < expected
    if op == "lte":
        return actual <= expected
    if op == "in":
        return _norm(actual) in {_norm(value) for value in expected}
    if op == "not_in":
        return _norm(actual) not in {_norm(value) for value in expected}
    if op == "starts_with":
        return str(actual).lower().startswith(str(expected).lower())
    if op == "contains":
        if isinstance(actual, list):
            return _norm(expected) in {_norm(value) for value in actual}
        return str(expected).lower() in str(actual).lower()
    if op == "not_contains":
        return _norm(expected) not in {_norm(value) for value in actual}
    if op == "any_of":
        return bool({_norm(value) for value in actual} & {_norm(value) for value in expected})
    if op in ("before", "after"):
        moment = expected if isinstance(expected, datetime) else datetime.fromisoformat(expected)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return actual < moment if op == "before" else actual > moment
    if op == "within_days":
        return now - actual <= timedelta(days=float(expected))
    if op == "not_within_days":
        return now - actual > timedelta(days=float(expected))
    raise ValueError(f"unknown operator {op!r}")


def _norm(value):
    return value.lower() if isinstance(value, str) else value


def count_matching(session, shop, match: str, conditions: list[dict], now: datetime) -> int:
    """How many of the shop's profiles match (a scan: fine for tens of thousands of profiles).

    Past stages come from one aggregate query per moment looked back to, not per profile.
    """
    thresholds = StageThresholds.from_settings(shop.settings)
    history = past_stages(session, shop, conditions, now)
    profiles = session.scalars(
        select(Profile).where(Profile.shop_id == shop.id, Profile.merged_into_id.is_(None)).execution_options(yield_per=1000)
    )
    matching = 0
    for profile in profiles:
        traits = profile_traits(profile, now, thresholds)
        traits.update({key: stages.get(profile.id) for key, stages in history.items()})
        matching += matches(match, conditions, traits, now)
    return matching
