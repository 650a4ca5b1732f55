"""One decision per page view: the blocks, pop-ups and sliders this visitor sees on this page."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.decisions.caps import allowed_by_caps, widget_history
from app.decisions.targeting import PageContext, eligible, page_kind
from app.journey.facts import journey_facts
from app.journey.stages import StageThresholds, stage_for
from app.journey.traffic_class import traffic_class
from app.models import Profile, Rule, Shop, VisitorId
from app.models.types import utcnow
from app.recommender.recommend import RecommendationRequest, recommend


@dataclass
class DecisionRequest:
    visitor_id: str | None = None
    url: str | None = None
    product_id: str | None = None
    cart: list[str] = field(default_factory=list)
    device: str | None = None


def decide(session: Session, shop: Shop, request: DecisionRequest) -> dict:
    now = utcnow()
    profile = _profile(session, shop.id, request.visitor_id)
    facts = journey_facts(profile, cart_count=len(request.cart) if request.cart else None)
    stage = stage_for(facts, now, StageThresholds.from_settings(shop.settings))
    context = PageContext(
        stage=stage,
        page_kind=page_kind(request.url),
        path=urlsplit(request.url or "").path or "/",
        device=request.device or (profile.device if profile else None),
        traffic_class=traffic_class(profile.traffic_source, profile.traffic_medium) if profile else "direct",
        now=now,
    )
    history = widget_history(session, profile)
    rules = session.scalars(
        select(Rule).where(Rule.shop_id == shop.id, Rule.enabled.is_(True)).order_by(Rule.priority.desc(), Rule.id)
    ).all()
    chosen = [
        rule for rule in rules
        if eligible(rule.targeting or {}, context) and allowed_by_caps(rule.id, rule.frequency or {}, history, now)
    ]
    decision_id = "dc_" + secrets.token_hex(6)
    return {
        "decision_id": decision_id,
        "stage": stage,
        "vars": {"first_name": "", "customer_id": (profile.customer_id or "") if profile else "", "cart_count": facts.cart_count},
        "blocks": [_block(rule) for rule in _one_per_placement(chosen, "block")],
        "popups": [_popup(rule) for rule in chosen if rule.kind == "popup"],
        "sliders": _sliders(session, shop, _one_per_placement(chosen, "slider"), request),
    }


def _profile(session: Session, shop_id: int, visitor_id: str | None) -> Profile | None:
    if not visitor_id:
        return None
    return session.scalar(
        select(Profile).join(VisitorId, VisitorId.profile_id == Profile.id).where(
            VisitorId.shop_id == shop_id, VisitorId.visitor_id == visitor_id
        )
    )


def _one_per_placement(rules: list[Rule], kind: str) -> list[Rule]:
    """The highest-priority eligible rule for each slot (rules arrive sorted by priority)."""
    taken, result = set(), []
    for rule in rules:
        if rule.kind != kind:
            continue
        placement = (rule.slot, rule.selector, rule.mode)
        if placement not in taken:
            taken.add(placement)
            result.append(rule)
    return result


def _placement(rule: Rule) -> dict:
    return {"rule_id": rule.id, "variant": None, "slot": rule.slot, "selector": rule.selector, "mode": rule.mode}


def _block(rule: Rule) -> dict:
    content = rule.content or {}
    return {**_placement(rule), "html": content.get("html", ""), "min_height": content.get("min_height", 0)}


def _popup(rule: Rule) -> dict:
    content = dict(rule.content or {})
    trigger = content.pop("trigger", {})
    frequency = rule.frequency or {}
    return {
        "rule_id": rule.id,
        "variant": None,
        "priority": rule.priority,
        "trigger": trigger,
        "cap": {
            "once_per_session": bool(frequency.get("once_per_session", False)),
            "every_days": frequency.get("every_days"),
            "stop_after_conversion": bool(frequency.get("stop_after_conversion", True)),
        },
        "content": content,
    }


def _sliders(session: Session, shop: Shop, rules: list[Rule], request: DecisionRequest) -> list[dict]:
    sliders = []
    for rule in rules:
        content = rule.content or {}
        result = recommend(session, shop, RecommendationRequest(
            strategy=content.get("strategy", "personalized"),
            visitor_id=request.visitor_id,
            product_id=request.product_id or (request.cart[-1] if request.cart else None),
            category=content.get("category"),
            limit=int(content.get("limit", 10)),
        ))
        if result.items:
            sliders.append({**_placement(rule), "title": content.get("title", ""), "strategy": result.strategy, "items": result.items})
    return sliders
