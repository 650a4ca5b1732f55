"""Building rules in tests the way the admin API does (validated and sanitized by RuleSchema)."""
from __future__ import annotations

from app.models import Rule
from app.schemas.rules import RuleSchema

_schema = RuleSchema()


def make_rule(db_session, shop, kind: str, **fields) -> Rule:
    """A stored rule; ``fields`` as in POST /admin/api/rules (``name`` and ``content`` have defaults per kind)."""
    defaults = {
        "block": {"content": {"html": "<p>Hello</p>"}, "slot": "home-hero"},
        "popup": {"content": {"headline": "Wait!"}},
        "slider": {"content": {"strategy": "trending", "title": "Trending"}, "slot": "home-recommendations"},
    }[kind]
    data = _schema.load({"kind": kind, "name": f"{kind} rule", **defaults, **fields})
    rule = Rule(shop_id=shop.id, **data)
    db_session.add(rule)
    db_session.commit()
    return rule
