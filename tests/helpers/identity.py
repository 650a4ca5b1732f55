"""Signing customer ids as a merchant's server does (app/identity_secrets.py), for tests of verified identity."""
from __future__ import annotations

from flask import current_app

from app.clock import utcnow
from app.identity_secrets import ShopSignatures, current_secret, sign
from app.secret_box import IDENTITY_SECRETS, box_for
from tests.helpers.events import event


def identity_box():
    return box_for(current_app, IDENTITY_SECRETS)


def identity_secret(shop) -> str:
    secret = current_secret(shop, identity_box())
    assert secret, "the shop has a readable identity secret"
    return secret


def customer_sig(shop, customer_id: str) -> str:
    return sign(identity_secret(shop), customer_id)


def signed_event(shop, type_: str, visitor_id: str, customer_id: str, **fields) -> dict:
    """An event carrying a customer id with the signature the merchant's server rendered into the page."""
    return event(type_, visitor_id, customer_id=customer_id, customer_sig=customer_sig(shop, customer_id), **fields)


def signatures(shop) -> ShopSignatures:
    """What the events endpoint verifies a shop's batches with, for tests calling ingest_batch directly."""
    return ShopSignatures(shop, identity_box(), utcnow())
