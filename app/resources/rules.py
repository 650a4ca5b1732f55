"""Rules: the shop's content blocks, pop-ups and sliders, with their targeting and frequency caps."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Product, Rule, Segment
from app.resources import ownership
from app.resources.errors import Invalid
from app.schemas.rules import RuleSchema
from app.shopify.installs import install_of_shop

FIELDS = ("kind", "name", "enabled", "priority", "slot", "selector", "mode", "content", "targeting", "frequency")
INVALID = "Invalid rule; nothing was changed."
_schema = RuleSchema()


def listed(session: Session, shop_id: int) -> list[Rule]:
    return list(session.scalars(
        select(Rule).where(Rule.shop_id == shop_id).order_by(Rule.kind, Rule.priority.desc(), Rule.id)
    ))


def find(session: Session, shop_id: int, rule_id: int) -> Rule | None:
    return ownership.find_owned(session, Rule, shop_id, rule_id)


def own(session: Session, shop_id: int, rule_id: int) -> Rule:
    return ownership.own(session, Rule, shop_id, rule_id, "No such rule.")


def validate(session: Session, shop_id: int, payload: dict) -> dict:
    """The rule the payload describes (block HTML sanitized), or Invalid with field messages.

    Beyond the schema: every segment it targets must be one of this shop's.
    """
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise Invalid(INVALID, error.normalized_messages()) from None
    unknown = unknown_segments(session, shop_id, data["targeting"].get("segments", []))
    if unknown:
        raise Invalid(INVALID, {"targeting": {"segments": [f"No such segment: {', '.join(map(str, unknown))}."]}})
    if data["kind"] == "slider":
        _check_products(session, shop_id, data["content"])
    unique_code = data["content"].get("unique_code") if data["kind"] == "popup" else None
    if unique_code and unique_code["source"] == "shopify" and not _on_shopify(session, shop_id):
        raise Invalid(INVALID, {"content": {"unique_code": {"source": [
            "This shop is not connected to Shopify: upload a code pool and draw from it instead."]}}})
    return data


def _check_products(session: Session, shop_id: int, content: dict) -> None:
    """A slider's pins and boosted products must be products of the shop's catalog."""
    errors: dict = {}
    for path, ids in (("pins", content.get("pins") or []), ("boost", list((content.get("boost") or {}).get("products") or {}))):
        missing = unknown_products(session, shop_id, ids)
        if missing:
            message = [f"No such product: {', '.join(missing)}."]
            errors[path] = message if path == "pins" else {"products": message}
    if errors:
        raise Invalid(INVALID, {"content": errors})


def unknown_products(session: Session, shop_id: int, external_ids: list[str]) -> list[str]:
    if not external_ids:
        return []
    known = set(session.scalars(select(Product.external_id).where(Product.shop_id == shop_id, Product.external_id.in_(external_ids))))
    return [external_id for external_id in external_ids if external_id not in known]


def _on_shopify(session: Session, shop_id: int) -> bool:
    install = install_of_shop(session, shop_id)
    return install is not None and install.uninstalled_at is None


def unknown_segments(session: Session, shop_id: int, segment_ids: list[int]) -> list[int]:
    """The ids that name no segment of this shop (another shop's segment counts as no segment)."""
    if not segment_ids:
        return []
    own_ids = set(session.scalars(select(Segment.id).where(Segment.shop_id == shop_id, Segment.id.in_(segment_ids))))
    return [segment_id for segment_id in segment_ids if segment_id not in own_ids]


def with_changes(rule: Rule, changes: dict) -> dict:
    """The rule as a payload with some fields changed (say, ``{"enabled": False}``), to validate whole.

    A widget has one placement: naming a selector drops the rule's slot, and
    the other way round, and a new placement without a mode gets its default
    (never "replace").
    """
    current = {field: value for field, value in _schema.dump(rule).items() if field in FIELDS}
    changed = {field: value for field, value in changes.items() if field in FIELDS}
    for named, other in (("selector", "slot"), ("slot", "selector")):
        if changed.get(named) and other not in changed:
            changed[other] = None
            changed.setdefault("mode", None)
    return {**current, **changed}


def save(session: Session, shop_id: int, rule: Rule | None, data: dict) -> Rule:
    """Create (``rule`` None) or replace the shop's rule with validated ``data``; the caller commits."""
    if rule is None:
        rule = Rule(shop_id=shop_id)
        session.add(rule)
    for field in FIELDS:
        setattr(rule, field, data[field])
    session.flush()
    return rule


def set_enabled(session: Session, rule: Rule, enabled: bool) -> None:
    """Switch it on or off; nothing else changes, so a rule saved before a check was added still toggles."""
    rule.enabled = enabled
    session.flush()


def delete(session: Session, rule: Rule) -> None:
    """Delete it; its experiment and drafts go with it (the foreign keys cascade)."""
    session.delete(rule)
    session.flush()
