"""Each shop's identity secret: what proves that a customer id comes from the merchant's own server.

Anyone holding the shop's public key (every page carries it) can send any
customer id, so an id from the browser is only a claim. The merchant's
server, which knows who is signed in, signs the id it renders into the page:

    customer_sig = hex(HMAC-SHA256(key=identity secret, message=customer id))

and only a signed id may merge a visitor into the customer's profile, read
from it or add to its orders (app/ingest/events.py). This is the identity
verification of Intercom and others.

Unlike the admin secret key (only its hash is kept), the identity secret must
be read back to check signatures, so it is stored encrypted
(app/secret_box.py). After a rotation the previous secret stays valid for
ROTATION_GRACE, so pages and caches holding old signatures keep working
while the merchant deploys the new secret.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta
from functools import cached_property

from app.models import Shop
from app.secret_box import InvalidToken, SecretBox

log = logging.getLogger(__name__)

ROTATION_GRACE = timedelta(days=7)
PREFIX = "ids_"  # recognisable in a merchant's configuration, like pk_ and sk_


def new_identity_secret() -> str:
    return PREFIX + secrets.token_hex(32)


def sign(secret: str, customer_id: str) -> str:
    """The signature the merchant's server computes (and the demo store does): hex HMAC-SHA256."""
    return hmac.new(secret.encode(), str(customer_id).encode(), hashlib.sha256).hexdigest()


def issue(shop: Shop, box: SecretBox) -> str:
    """Give the shop a new identity secret (a new shop has none); returns it in plain. The caller commits."""
    secret = new_identity_secret()
    shop.identity_secret_encrypted = box.encrypt(secret)
    return secret


def rotate(shop: Shop, box: SecretBox, now: datetime) -> str:
    """A new secret; the current one stays valid for ROTATION_GRACE (an unreadable one is dropped). The caller commits."""
    previous = shop.identity_secret_encrypted if _readable(box, shop.identity_secret_encrypted) else None
    shop.previous_identity_secret_encrypted = previous
    shop.identity_secret_rotated_at = now if previous else None
    return issue(shop, box)


def current_secret(shop: Shop, box: SecretBox) -> str | None:
    """The secret the merchant signs with; None when the shop has none this server can read."""
    return _decrypt(box, shop.identity_secret_encrypted, shop.id)


def previous_valid_until(shop: Shop) -> datetime | None:
    """Until when signatures made with the secret before the last rotation are still accepted."""
    if not shop.previous_identity_secret_encrypted or shop.identity_secret_rotated_at is None:
        return None
    return shop.identity_secret_rotated_at + ROTATION_GRACE


def valid_secrets(shop: Shop, box: SecretBox, now: datetime) -> tuple[str, ...]:
    found = [current_secret(shop, box)]
    until = previous_valid_until(shop)
    if until is not None and now < until:
        found.append(_decrypt(box, shop.previous_identity_secret_encrypted, shop.id))
    return tuple(secret for secret in found if secret)


def _decrypt(box: SecretBox, encrypted: str | None, shop_id: int) -> str | None:
    if not encrypted:
        return None
    try:
        return box.decrypt(encrypted)
    except InvalidToken:
        # Encrypted under another key (SECRET_KEY or IDENTITY_SECRETS_KEY changed): nothing
        # verifies until the merchant rotates, which the settings Install page says.
        log.warning("the identity secret of shop %s cannot be decrypted with this server's key", shop_id)
        return None


def _readable(box: SecretBox, encrypted: str | None) -> bool:
    if not encrypted:
        return False
    try:
        box.decrypt(encrypted)
    except InvalidToken:
        return False
    return True


class ShopSignatures:
    """Checks customer signatures against a shop's valid secrets, decrypted only when first needed.

    Most batches carry no signature, and they cost nothing here.
    """

    def __init__(self, shop: Shop, box: SecretBox, now: datetime):
        self._shop, self._box, self._now = shop, box, now

    @cached_property
    def _keys(self) -> tuple[bytes, ...]:
        return tuple(secret.encode() for secret in valid_secrets(self._shop, self._box, self._now))

    def verifies(self, customer_id: str, signature: str | None) -> bool:
        if not signature or not customer_id:
            return False
        sent = signature.strip().lower().encode("ascii", "replace")
        message = str(customer_id).encode()
        # compare_digest: how much of a guess matched must not show in the time taken.
        return any(hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest().encode(), sent) for key in self._keys)


class _Trusted:
    """The merchant's own records (imports): every customer id in them is the merchant's word."""

    def verifies(self, customer_id: str, signature: str | None) -> bool:
        return bool(customer_id)


class _NobodyVerified:
    """No secret to check against: every customer id is a claim."""

    def verifies(self, customer_id: str, signature: str | None) -> bool:
        return False


TRUSTED = _Trusted()
UNVERIFIED = _NobodyVerified()
