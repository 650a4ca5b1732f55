"""The stats report for a shop and period: per rule and variant, against the holdout, and per CLV band."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.experiments.stats import ArmResult, compare
from app.models import GLOBAL_HOLDOUT, Assignment, Event, Experiment, Order, Profile, Rule, VisitorId
from app.stats.attribution import VIEW_WINDOW, Conversion, Touch, attribute

# Bands of predicted CLV (the profile's clv_percentile within the shop): (key, label, lowest percentile included).
CLV_BANDS = (("top_10", "Top 10% predicted CLV", 90.0), ("p50_90", "50-90%", 50.0), ("bottom_50", "Bottom 50%", 0.0))
# A widget_click whose props.action is this closed a pop-up: an answer, not a click-through.
DISMISS = "dismiss"
UNKNOWN_CLV_BAND = ("unknown", "Not predicted (no order yet, or too little data to fit)")


def stats_report(session: Session, shop_id: int, start: datetime, end: datetime, rule_id: int | None = None) -> dict:
    touches = _touches(session, shop_id, start, end, rule_id)
    purchases = _purchases(session, shop_id, start, end + VIEW_WINDOW)
    carts = [
        Conversion(profile_id, at, "add_to_cart", float(value or 0))
        for profile_id, at, value in session.execute(
            select(Event.profile_id, Event.occurred_at, Event.value).where(
                Event.shop_id == shop_id, Event.type == "add_to_cart", Event.occurred_at >= start, Event.occurred_at < end + VIEW_WINDOW
            )
        )
    ]
    credited = attribute(touches, carts + [Conversion(p, at, "purchase", total) for p, at, total in purchases])
    submits = Counter((rule, variant) for rule, variant, _at in popup_conversions(session, shop_id, start, end))
    dismissals = _dismissals(session, shop_id, start, end)
    holdout = _arm_population(session, shop_id, GLOBAL_HOLDOUT, "holdout", end)
    personalized = _arm_population(session, shop_id, GLOBAL_HOLDOUT, "personalized", end)
    purchases_in_period = [(p, at, total) for p, at, total in purchases if at < end]
    holdout_result = _outcome(holdout, purchases_in_period)

    rules = {rule.id: rule for rule in session.scalars(select(Rule).where(Rule.shop_id == shop_id))}
    experiments = {e.rule_id: e for e in session.scalars(select(Experiment).where(Experiment.shop_id == shop_id))}
    per_arm: dict[tuple[int, str | None], dict] = defaultdict(lambda: {
        "impressions": 0, "clicks": 0, "dismissals": 0, "visitors": set(), "popup_conversions": 0,
        "attributed_add_to_carts": 0, "attributed_purchases": 0, "attributed_revenue": 0.0,
    })
    for touch in touches:
        arm = per_arm[(touch.rule_id, touch.variant)]
        arm["clicks" if touch.kind == "click" else "impressions"] += 1
        arm["visitors"].add(touch.profile_id)
    for (rule, variant), count in submits.items():
        per_arm[(rule, variant)]["popup_conversions"] += count
    for (rule, variant), count in dismissals.items():
        per_arm[(rule, variant)]["dismissals"] += count
    for conversion, touch, _how in credited:
        arm = per_arm[(touch.rule_id, touch.variant)]
        if conversion.kind == "purchase":
            arm["attributed_purchases"] += 1
            arm["attributed_revenue"] += conversion.value
        else:
            arm["attributed_add_to_carts"] += 1

    report_rules = defaultdict(list)
    for (rule_key, variant), arm in sorted(per_arm.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        if rule_key not in rules:
            continue
        exposed = _outcome(arm.pop("visitors"), purchases_in_period)
        experiment = experiments.get(rule_key)
        control, control_name = holdout_result, "shop holdout"
        if experiment is not None:
            control = _outcome(_arm_population(session, shop_id, f"experiment:{experiment.id}", "holdout", end), purchases_in_period)
            control_name = "experiment holdout"
        report_rules[rule_key].append({
            "variant": variant,
            **arm,
            "attributed_revenue": round(arm["attributed_revenue"], 2),
            "click_through_rate": arm["clicks"] / arm["impressions"] if arm["impressions"] else None,
            **_figures(exposed),
            "compared_with": control_name,
            "uplift": compare(exposed, control),
        })
    personalized_result = _outcome(personalized, purchases_in_period)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "overall": {
            "personalized": _figures(personalized_result),
            "holdout": _figures(holdout_result),
            "uplift": compare(personalized_result, holdout_result),
        },
        "rules": [
            {"rule_id": key, "name": rules[key].name, "kind": rules[key].kind, "variants": variants}
            for key, variants in sorted(report_rules.items())
        ],
        "daily": _daily(touches, credited, start, end),
        "by_clv_band": _by_clv_band(session, shop_id, personalized, holdout, purchases_in_period),
    }


def _by_clv_band(session, shop_id, personalized: set[int], holdout: set[int], purchases) -> list[dict]:
    """Personalized against holdout within each band of predicted CLV.

    A profile's band is its current one (the last refit's ``clv_percentile``),
    not the one it had when it was exposed: bands are for reading where the
    uplift comes from, not a second experiment.
    """
    percentiles = dict(session.execute(
        select(Profile.id, Profile.clv_percentile).where(Profile.shop_id == shop_id, Profile.clv_percentile.is_not(None))
    ).all())

    def band(profile_id: int) -> str:
        percentile = percentiles.get(profile_id)
        if percentile is None:
            return UNKNOWN_CLV_BAND[0]
        return next(key for key, _label, lowest in CLV_BANDS if percentile >= lowest)

    rows = []
    for key, label in [(key, label) for key, label, _ in CLV_BANDS] + [UNKNOWN_CLV_BAND]:
        treated = _outcome({p for p in personalized if band(p) == key}, purchases)
        control = _outcome({p for p in holdout if band(p) == key}, purchases)
        rows.append({"band": key, "label": label, "personalized": _figures(treated), "holdout": _figures(control),
                     "uplift": compare(treated, control)})
    return rows


def _touches(session, shop_id, start, end, rule_id) -> list[Touch]:
    """Impressions and click-throughs; a pop-up closed by the shopper is neither."""
    rule_of, action = Event.props["rule_id"].as_integer(), Event.props["action"].as_string()
    query = select(Event.profile_id, Event.occurred_at, rule_of, Event.props["variant"].as_string(), Event.type).where(
        Event.shop_id == shop_id, Event.occurred_at >= start, Event.occurred_at < end,
        or_(Event.type == "widget_impression",
            and_(Event.type == "widget_click", or_(action.is_(None), action != DISMISS))),
    )
    if rule_id is not None:
        query = query.where(rule_of == rule_id)
    return [
        Touch(profile_id, at, rule, variant or None, "click" if kind == "widget_click" else "impression")
        for profile_id, at, rule, variant, kind in session.execute(query)
        if rule is not None
    ]


def _purchases(session, shop_id, start, end) -> list[tuple[int, datetime, float]]:
    rows = session.execute(
        select(Order.profile_id, Order.placed_at, Order.total).where(
            Order.shop_id == shop_id, Order.profile_id.is_not(None), Order.placed_at >= start, Order.placed_at < end
        )
    )
    return [(profile_id, at, float(total or 0)) for profile_id, at, total in rows]


def popup_conversions(session, shop_id, start, end) -> list[tuple[int, str | None, datetime]]:
    """The pop-up sign-ups that count, as ``(rule, variant, when)``: each visitor and each decision once per pop-up.

    Anyone can post sign-up events with the public key. Ingest takes them
    only with a decision id this server issued; counting each visitor and
    each decision once keeps a replayed or passed-around id from adding up.
    """
    rows = session.execute(
        select(
            Event.props["rule_id"].as_integer(), Event.props["variant"].as_string(), Event.profile_id,
            Event.props["decision_id"].as_string(), Event.occurred_at,
        ).where(
            Event.shop_id == shop_id, Event.type == "popup_submit", Event.occurred_at >= start, Event.occurred_at < end
        ).order_by(Event.occurred_at, Event.id)
    )
    counted, seen = [], set()
    for rule, variant, profile_id, decision_id, at in rows:
        if rule is None or (rule, "profile", profile_id) in seen or (decision_id and (rule, "decision", decision_id) in seen):
            continue
        seen.add((rule, "profile", profile_id))
        if decision_id:
            seen.add((rule, "decision", decision_id))
        counted.append((rule, variant or None, at))
    return counted


def _dismissals(session, shop_id, start, end) -> dict[tuple[int, str | None], int]:
    """Pop-ups closed by the shopper (the ×, Esc, the backdrop), per rule and variant."""
    rule_of, variant_of = Event.props["rule_id"].as_integer(), Event.props["variant"].as_string()
    rows = session.execute(
        select(rule_of, variant_of, func.count()).where(
            Event.shop_id == shop_id, Event.type == "widget_click", Event.props["action"].as_string() == DISMISS,
            Event.occurred_at >= start, Event.occurred_at < end,
        ).group_by(rule_of, variant_of)
    )
    return {(rule, variant or None): count for rule, variant, count in rows if rule is not None}


def _arm_population(session, shop_id, key: str, arm: str, end: datetime) -> set[int]:
    """Profiles of the units assigned to ``arm``.

    A first decision often comes before the visitor's first event (the script
    asks early), so the profile is resolved now from the unit id when it was
    not known at assignment time.
    """
    rows = session.execute(
        select(Assignment.unit_id, Assignment.profile_id).where(
            Assignment.shop_id == shop_id, Assignment.experiment_key == key, Assignment.arm == arm, Assignment.assigned_at < end,
        )
    ).all()
    profiles = {profile_id for _, profile_id in rows if profile_id is not None}
    visitors = [unit[2:] for unit, profile_id in rows if profile_id is None and unit.startswith("v:")]
    customers = [unit[2:] for unit, profile_id in rows if profile_id is None and unit.startswith("c:")]
    for start in range(0, len(visitors), 500):
        profiles.update(session.scalars(select(VisitorId.profile_id).where(
            VisitorId.shop_id == shop_id, VisitorId.visitor_id.in_(visitors[start : start + 500]))))
    for start in range(0, len(customers), 500):
        profiles.update(session.scalars(select(Profile.id).where(
            Profile.shop_id == shop_id, Profile.customer_id.in_(customers[start : start + 500]))))
    return profiles


def _outcome(profiles: set[int], purchases: list[tuple[int, datetime, float]]) -> ArmResult:
    revenue: dict[int, float] = defaultdict(float)
    for profile_id, _at, total in purchases:
        if profile_id in profiles:
            revenue[profile_id] += total
    return ArmResult(
        visitors=len(profiles),
        conversions=len(revenue),
        revenue=sum(revenue.values()),
        revenue_sq=sum(value * value for value in revenue.values()),
    )


def _figures(result: ArmResult) -> dict:
    return {
        "visitors": result.visitors,
        "converting_visitors": result.conversions,
        "conversion_rate": result.conversions / result.visitors if result.visitors else None,
        "revenue": round(result.revenue, 2),
        "revenue_per_visitor": result.revenue / result.visitors if result.visitors else None,
    }


def _daily(touches: list[Touch], credited, start: datetime, end: datetime) -> list[dict]:
    days: dict[str, dict] = defaultdict(lambda: {"impressions": 0, "clicks": 0, "attributed_revenue": 0.0})
    for touch in touches:
        days[touch.at.date().isoformat()]["clicks" if touch.kind == "click" else "impressions"] += 1
    for conversion, _touch, _how in credited:
        if conversion.kind == "purchase" and conversion.at < end:
            days[conversion.at.date().isoformat()]["attributed_revenue"] += conversion.value
    return [{"date": day, **{k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()}} for day, values in sorted(days.items())]
