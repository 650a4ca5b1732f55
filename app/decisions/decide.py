"""One decision per page view: the blocks, pop-ups and sliders this visitor sees on this page."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.decisions.caps import allowed_by_caps, widget_history
from app.decisions.decision_ids import DecisionIds
from app.decisions.experiments import ExperimentArms, record_assignment, unit_of
from app.decisions.preview import Preview, load_draft
from app.decisions.targeting import PageContext, eligible, page_kind, url_path
from app.decisions.templates import TemplateContext, template_fields
from app.decisions.variables import block_vars
from app.decisions.wording import with_wording
from app.experiments.bucketing import in_global_holdout
from app.experiments.holdout import holdout_percent
from app.journey.segments import matches, profile_traits, with_history
from app.journey.stages import StageThresholds
from app.models import GLOBAL_HOLDOUT, Profile, Rule, Shop
from app.models.types import MAX_RECORD_ID
from app.recommender.serving.recommend import RecommendationRequest, recommend
from app.recommender.serving.visitor import VisitorContext, visitor_context
from app.shop_state import ShopSnapshot, shop_snapshot
from app.texts import snapshot_texts


@dataclass
class DecisionRequest:
    visitor_id: str | None = None
    url: str | None = None
    product_id: str | None = None
    cart: list[str] = field(default_factory=list)
    device: str | None = None
    preview: Preview | None = None  # from a verified preview token: show this rule (or draft), record nothing
    lang: str | None = None  # the page's <html lang>: its language where we have a catalog, else the shop's


@dataclass
class Chosen:
    """A rule as this visitor gets it: the variant's content where an experiment applies."""

    rule: Rule
    content: dict
    variant: str | None = None
    extra: dict = field(default_factory=dict)  # a template's data (app/decisions/templates.py)


def decide(session: Session, shop: Shop, request: DecisionRequest, decision_ids: DecisionIds) -> dict:
    """The page's widgets; its ``decision_id`` is what the widgets' events must carry to count."""
    answer = _decide(session, shop, request, decision_ids)
    state = shop_snapshot(session, shop.public_key)  # the same snapshot: in memory
    return with_wording(answer, snapshot_texts(state, request.lang), state.shop)


def _decide(session: Session, shop: Shop, request: DecisionRequest, decision_ids: DecisionIds) -> dict:
    now = utcnow()
    # The shop's rules, segments and experiments from memory (keyed by its config version);
    # the visitor's profile and history in one read, shared with the sliders.
    state = shop_snapshot(session, shop.public_key)
    visitor = visitor_context(session, shop.id, request.visitor_id)
    profile = visitor.profile
    thresholds = state.memo("stage_thresholds", lambda: StageThresholds.from_settings(state.shop.settings))
    traits = profile_traits(profile, now, thresholds, cart_count=len(request.cart) if request.cart else None)
    decision = {
        "decision_id": decision_ids.issue(shop.id, request.visitor_id, now),
        "stage": traits["stage"],
        "holdout": False,
        "preview": False,
        "vars": block_vars(profile, traits["cart_count"]),
        "blocks": [], "popups": [], "sliders": [],
    }
    if request.preview is not None:
        return _preview(session, shop, request, decision)
    unit = unit_of(profile, request.visitor_id)
    if unit is not None:
        held_out = in_global_holdout(unit, shop.public_key, holdout_percent(state.shop.settings))
        record_assignment(session, shop.id, GLOBAL_HOLDOUT, unit, profile, "holdout" if held_out else "personalized")
        if held_out:
            # The shop-wide holdout sees no personalization at all: the
            # yardstick for the total uplift.
            decision["holdout"] = True
            return decision

    rules = state.rules
    context = PageContext(
        stage=traits["stage"],
        page_kind=page_kind(request.url),
        path=url_path(request.url),
        device=request.device or traits.get("device"),
        traffic_class=traits["traffic_class"],
        now=now,
        segments=_matching_segments(session, state, profile, traits, now),
    )
    history = widget_history(visitor)
    arms = ExperimentArms(state.experiments)
    chosen = []
    for rule in rules:
        if not eligible(rule.targeting or {}, context) or not allowed_by_caps(rule.id, rule.frequency or {}, history, now):
            continue
        resolved = arms.resolve(session, rule, unit, profile)
        if resolved is not None:  # None: the experiment's holdout, which sees the slot's next rule or nothing
            chosen.append(Chosen(rule, resolved[0], resolved[1]))
    templates = TemplateContext(session, shop, profile, request.product_id, now, snapshot_texts(state, request.lang), visitor)
    chosen = [item for item in chosen if item.rule.kind != "block" or _with_template(item, templates)]
    decision["blocks"] = [_block(item) for item in _one_per_placement(chosen, "block")]
    decision["popups"] = [_popup(item) for item in chosen if item.rule.kind == "popup"]
    decision["sliders"] = _sliders(session, shop, _one_per_placement(chosen, "slider"), request, visitor)
    return decision


def decision_without_data(now) -> dict:
    """What a page gets while the store cannot be read: no widgets and nothing personal, at once."""
    traits = profile_traits(None, now)
    return {
        "decision_id": None,
        "stage": traits["stage"],
        "holdout": False,
        "preview": False,
        "degraded": True,
        "vars": {"first_name": "", "customer_id": "", "cart_count": traits["cart_count"]},
        "blocks": [], "popups": [], "sliders": [],
    }


def _preview(session: Session, shop: Shop, request: DecisionRequest, decision: dict) -> dict:
    """The merchant's preview: the one rule, regardless of targeting and caps; no assignment is written."""
    preview = request.preview
    if preview.draft_id is not None:
        draft = load_draft(session, shop.id, preview.draft_id)
        # The unsaved draft as a transient rule: never added to the session, so never stored.
        rule = Rule(id=preview.rule_id or 0, shop_id=shop.id, enabled=True, **draft) if draft else None
    else:
        rule = session.scalar(select(Rule).where(Rule.id == preview.rule_id, Rule.shop_id == shop.id))
    decision["preview"] = True
    if rule is None:
        return decision
    item = Chosen(rule, dict(rule.content or {}))
    if rule.kind == "block":
        # The template's real data; where it has nothing true to say, the merchant sees that as an empty preview.
        visitor = visitor_context(session, shop.id, request.visitor_id)
        templates = TemplateContext(session, shop, visitor.profile, request.product_id, utcnow(),
                                    snapshot_texts(shop_snapshot(session, shop.public_key), request.lang), visitor, preview=True)
        decision["blocks"] = [_block(item)] if _with_template(item, templates) else []
    elif rule.kind == "popup":
        # A preview opens at once and ignores caps: the merchant should not have to act out an exit.
        decision["popups"] = [{**_popup(item), "trigger": {"open_now": True}, "cap": {"stop_after_conversion": False}}]
    else:
        decision["sliders"] = _sliders(session, shop, [item], request)
    return decision


def _matching_segments(session: Session, state: ShopSnapshot, profile: Profile | None, traits: dict, now) -> frozenset[int]:
    """Evaluate only the segments some rule targets (with the past stages they look back to, if any)."""
    wanted = state.memo("targeted_segments", lambda: frozenset(
        segment for rule in state.rules for segment in _segment_ids(rule.targeting)
    ))
    segments = [state.segments[segment] for segment in wanted if segment in state.segments]
    looked_up = [condition for segment in segments if isinstance(segment.conditions, list) for condition in segment.conditions]
    traits = with_history(session, state.shop, profile, traits, looked_up, now)
    return frozenset(segment.id for segment in segments if matches(segment.match, segment.conditions, traits, now))


def _segment_ids(targeting) -> list[int]:
    """The segment ids a stored targeting names (a malformed one names none; eligible() then refuses the rule)."""
    segments = targeting.get("segments") if isinstance(targeting, dict) else None
    if not isinstance(segments, list):
        return []
    return [segment for segment in segments if isinstance(segment, int) and not isinstance(segment, bool) and 0 < segment <= MAX_RECORD_ID]


def _one_per_placement(chosen: list[Chosen], kind: str) -> list[Chosen]:
    """The highest-priority eligible rule for each slot (rules arrive sorted by priority)."""
    taken, result = set(), []
    for item in chosen:
        rule = item.rule
        if rule.kind != kind:
            continue
        # A slot holds one widget; a selector's element may have one on each side.
        placement = ("slot", rule.slot) if rule.slot else ("selector", rule.selector, rule.mode)
        if placement not in taken:
            taken.add(placement)
            result.append(item)
    return result


def _placement(item: Chosen) -> dict:
    rule = item.rule
    return {"rule_id": rule.id, "variant": item.variant, "slot": rule.slot, "selector": rule.selector, "mode": rule.mode}


def _with_template(item: Chosen, context: TemplateContext) -> bool:
    extra = template_fields(item.rule, item.content, context)
    if extra is None:
        return False
    item.extra = extra
    return True


def _block(item: Chosen) -> dict:
    content = item.content
    return {**_placement(item), "html": content.get("html", ""), "min_height": content.get("min_height", 0),
            "min_height_mobile": content.get("min_height_mobile"), **item.extra}


def _popup(item: Chosen) -> dict:
    content = dict(item.content)
    trigger = content.pop("trigger", {})
    # How unique codes are made is the server's business; the code itself comes only with the lead's answer.
    content.pop("unique_code", None)
    frequency = item.rule.frequency or {}
    return {
        "rule_id": item.rule.id,
        "variant": item.variant,
        "priority": item.rule.priority,
        "trigger": trigger,
        "cap": {
            "once_per_session": bool(frequency.get("once_per_session", False)),
            "every_days": frequency.get("every_days"),
            "stop_after_conversion": bool(frequency.get("stop_after_conversion", True)),
        },
        "content": content,
    }


def _sliders(
    session: Session, shop: Shop, chosen: list[Chosen], request: DecisionRequest, visitor: VisitorContext | None = None
) -> list[dict]:
    sliders = []
    for item in chosen:
        content = item.content
        result = recommend(session, shop, RecommendationRequest(
            strategy=content.get("strategy", "personalized"),
            visitor_id=request.visitor_id,
            product_id=request.product_id or (request.cart[-1] if request.cart else None),
            category=content.get("category"),
            limit=int(content.get("limit", 10)),
            pins=list(content.get("pins") or []),
            boost=dict(content.get("boost") or {}),
            lang=request.lang,
        ), visitor)
        if result.items:
            sliders.append({**_placement(item), "title": content.get("title", ""), "quick_add": bool(content.get("quick_add")),
                            "strategy": result.strategy,
                            "model_version": result.model_version, "items": result.items})
    return sliders
