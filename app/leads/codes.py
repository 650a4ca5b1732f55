"""Unique discount codes for leads: created on Shopify per lead, else drawn from the merchant's pool.

A pop-up rule opts in with ``content.unique_code`` ({"source": "shopify" | "pool", "pool": name,
"kind": "percentage" | "amount", "value": n, "valid_days": n}). The code goes back only in the
answer to the lead's own submission (never in /v1/decide), and the lead row keeps it: a second
submission of the same address gets the same code, not another one.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import InvalidToken
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import DiscountCode, Lead, Rule, Shop
from app.shopify.client import ShopifyAPIError, UserErrors
from app.shopify.connection import NotConnected, admin_client
from app.shopify.discounts import CodeOffer, create_code
from app.shopify.installs import install_of_shop

log = logging.getLogger(__name__)

# What the shopper is told instead of a code: keys of the message catalogs (app/texts), said in the shopper's language.
POOL_EMPTY = "lead.pool_empty"
NOT_CREATED = "lead.not_created"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed in by hand
# The Shopify call happens while the shopper waits: a short timeout and one retry.
SHOPIFY_TIMEOUT = 8.0
SHOPIFY_TRIES = 2


@dataclass(frozen=True)
class Issued:
    code: str | None
    message: str | None = None  # for the shopper, when no code could be given: a catalog key (app/texts)


def unique_code_settings(rule: Rule | None) -> dict | None:
    if rule is None or rule.kind != "popup":
        return None
    return (rule.content or {}).get("unique_code") or None


def issue_code(session: Session, shop: Shop, lead: Lead, rule: Rule, settings: dict) -> Issued:
    """The lead's code (an existing one, or a new one now); the caller commits."""
    if lead.discount_code:
        return Issued(lead.discount_code)
    if settings.get("source") == "shopify":
        issued = _from_shopify(session, shop, lead, rule, settings)
    else:
        issued = Issued(draw_from_pool(session, shop.id, settings["pool"], lead.id), None)
        if issued.code is None:
            log.warning("shop %s: discount code pool %r is empty", shop.id, settings["pool"])
            issued = Issued(None, POOL_EMPTY)
    if issued.code:
        lead.discount_code = issued.code
        session.flush()
    return issued


def draw_from_pool(session: Session, shop_id: int, pool: str, lead_id: int) -> str | None:
    """Give the pool's next free code to the lead, atomically; None when the pool is empty.

    One UPDATE picks and takes the code: on PostgreSQL the row is locked and rows other
    transactions hold are skipped, so concurrent draws never get the same code; SQLite runs
    one writer at a time, so the statement is atomic there too.
    """
    free = (
        select(DiscountCode.id)
        .where(DiscountCode.shop_id == shop_id, DiscountCode.pool == pool, DiscountCode.assigned_at.is_(None))
        .order_by(DiscountCode.id).limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        free = free.with_for_update(skip_locked=True)
    for _ in range(3):  # on PostgreSQL a row freed by a rollback between our read and write: look again
        code = session.execute(
            update(DiscountCode)
            .where(DiscountCode.id == free.scalar_subquery(), DiscountCode.assigned_at.is_(None))
            .values(lead_id=lead_id, assigned_at=utcnow())
            .returning(DiscountCode.code)
            .execution_options(synchronize_session=False)
        ).scalar()
        if code is not None:
            return code
        if session.scalar(free.with_only_columns(DiscountCode.id)) is None:
            return None
    return None


def new_code(prefix: str | None) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body}" if prefix else body


def _from_shopify(session: Session, shop: Shop, lead: Lead, rule: Rule, settings: dict) -> Issued:
    install = install_of_shop(session, shop.id)
    try:
        if install is None:
            raise NotConnected(f"shop {shop.id} is not connected to Shopify")
        client = admin_client(install, timeout=SHOPIFY_TIMEOUT, max_tries=SHOPIFY_TRIES)
        starts_at = utcnow()
        ends_at = starts_at + timedelta(days=int(settings.get("valid_days") or 30))
        offer = CodeOffer(settings["kind"], float(settings["value"]))
        # No email in the title: the merchant's discount list is no place for personal data.
        title = f"{rule.name} (pop-up lead {lead.id})"
        for attempt in range(2):
            try:
                return Issued(create_code(client, new_code(settings.get("prefix")), title, offer, starts_at, ends_at))
            except UserErrors as error:
                if attempt or error.code != "TAKEN":
                    raise
    except (NotConnected, ShopifyAPIError, InvalidToken) as error:  # InvalidToken: the stored token's key changed
        log.warning("shop %s: could not create a Shopify discount code for lead %s: %s", shop.id, lead.id, error)
    return Issued(None, NOT_CREATED)
