"""Preview links: a signed, expiring token that shows one rule on the live store, whatever its targeting.

The token names the shop and the rule and is signed with the app's
SECRET_KEY (itsdangerous, which Flask already ships), so it cannot be forged
or moved to another shop; it expires after PREVIEW_MAX_AGE.

A token may also name a *draft*: the rule as the merchant is editing it,
validated but not saved (a RuleDraft row, kept for the token's lifetime), so
the editor can show unsaved changes, and rules not created yet, on the store.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import RuleDraft

PREVIEW_MAX_AGE = 3600
_SALT = "p13n-rule-preview"
DRAFT_FIELDS = ("kind", "name", "slot", "selector", "mode", "content", "targeting", "frequency", "priority")


@dataclass(frozen=True)
class Preview:
    rule_id: int | None  # None: a draft of a rule not saved yet
    draft_id: int | None = None


def preview_token(secret_key: str, shop_id: int, rule_id: int | None, draft_id: int | None = None) -> str:
    data = {"shop": shop_id, "rule": rule_id}
    if draft_id is not None:
        data["draft"] = draft_id
    return URLSafeTimedSerializer(secret_key, salt=_SALT).dumps(data)


def save_draft(session: Session, shop_id: int, rule_id: int | None, rule_data: dict) -> int:
    """Keep a validated, unsaved rule for a preview link; drafts older than a link's lifetime go."""
    session.execute(delete(RuleDraft).where(RuleDraft.created_at < utcnow() - timedelta(seconds=PREVIEW_MAX_AGE)))
    draft = RuleDraft(shop_id=shop_id, rule_id=rule_id, draft={field: rule_data.get(field) for field in DRAFT_FIELDS})
    session.add(draft)
    session.flush()
    return draft.id


def load_draft(session: Session, shop_id: int, draft_id: int) -> dict | None:
    return session.scalar(select(RuleDraft.draft).where(RuleDraft.id == draft_id, RuleDraft.shop_id == shop_id))


def read_preview(secret_key: str, token: str, shop_id: int, max_age: int = PREVIEW_MAX_AGE) -> Preview | None:
    """What a valid token for this shop shows; None when the token is bad, expired or another shop's."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_SALT).loads(token, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("shop") != shop_id:
        return None
    rule_id, draft_id = data.get("rule"), data.get("draft")
    if isinstance(draft_id, int) and (rule_id is None or isinstance(rule_id, int)):
        return Preview(rule_id, draft_id)
    if isinstance(rule_id, int):
        return Preview(rule_id)
    return None


def previewed_rule_id(secret_key: str, token: str, shop_id: int, max_age: int = PREVIEW_MAX_AGE) -> int | None:
    """The saved rule a valid token for this shop shows; None otherwise."""
    preview = read_preview(secret_key, token, shop_id, max_age)
    return preview.rule_id if preview is not None and preview.draft_id is None else None
