"""The store's offline Admin API token: what Shopify grants, kept encrypted, renewed before it expires.

Shopify requires expiring offline tokens of public apps (of apps created since 2026-04-01, and of every public
app from 2027-01-01, when non-expiring ones stop working): the access token lasts an hour and comes with a
refresh token, which Shopify replaces each time it is used. We ask for them wherever we get a token (token
exchange, the OAuth callback: `"expiring": "1"`), and `usable_token` renews the access token when a client is
made and less than RENEW_WITHIN is left, so every client has at least that long. A token granted before
(non-expiring) is moved over by `migrate` (`flask shopify-expiring-tokens`).

Every request goes to https://{shop}/admin/oauth/access_token as JSON; the shapes are Shopify's
(shopify.dev, "Offline access tokens", "Exchange a session token for an access token").
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from cryptography.fernet import InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app import db
from app.clock import utcnow
from app.models import ShopifyInstall
from app.shopify import settings, token_crypto

log = logging.getLogger(__name__)

TIMEOUT = 10
RENEW_WITHIN = timedelta(minutes=30)
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
OFFLINE_ACCESS_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"
TOKEN_FIELDS = ("access_token_encrypted", "access_token_expires_at", "refresh_token_encrypted", "refresh_token_expires_at", "scopes")


class TokenRequestFailed(Exception):
    """Shopify gave no token; `retry`: a fresh session token may succeed (the one sent was refused)."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.message = message
        self.retry = retry


class CannotRenew(Exception):
    """The access token expired and cannot be renewed: the merchant must open the app again."""


@dataclass(frozen=True)
class Grant:
    access_token: str
    scope: str | None = None
    expires_at: datetime | None = None  # None: a non-expiring token
    refresh_token: str | None = None
    refresh_token_expires_at: datetime | None = None

    @classmethod
    def from_answer(cls, answer: dict, now: datetime | None = None) -> Grant:
        now = now or utcnow()

        def after(seconds) -> datetime | None:
            return now + timedelta(seconds=int(seconds)) if isinstance(seconds, (int, float)) and seconds > 0 else None

        refresh = answer.get("refresh_token") if isinstance(answer.get("refresh_token"), str) else None
        return cls(access_token=answer["access_token"], scope=answer.get("scope"), expires_at=after(answer.get("expires_in")),
                   refresh_token=refresh or None, refresh_token_expires_at=after(answer.get("refresh_token_expires_in")))


def post_token_request(shop_domain: str, body: dict) -> dict:
    """POST to the store's token endpoint; Shopify's answer with an `access_token`, or TokenRequestFailed."""
    try:
        response = requests.post(f"https://{shop_domain}/admin/oauth/access_token", json=body,
                                 headers={"Accept": "application/json"}, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise TokenRequestFailed(f"Shopify could not be reached: {error.__class__.__name__}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    if response.status_code == 400 and answer.get("error") == "invalid_subject_token":
        raise TokenRequestFailed("Shopify refused the session token (invalid_subject_token).", retry=True)
    if not response.ok:
        raise TokenRequestFailed(f"Shopify answered {response.status_code} {answer.get('error') or ''}".rstrip())
    if not isinstance(answer.get("access_token"), str) or not answer["access_token"]:
        raise TokenRequestFailed("Shopify answered without an access token.")
    return answer


def refresh_request(api_key: str, api_secret: str, refresh_token: str) -> dict:
    return {"client_id": api_key, "client_secret": api_secret, "grant_type": "refresh_token", "refresh_token": refresh_token}


def migrate_request(api_key: str, api_secret: str, offline_token: str) -> dict:
    """A non-expiring offline token traded for an expiring one (the old one stops working)."""
    return {"client_id": api_key, "client_secret": api_secret, "grant_type": TOKEN_EXCHANGE, "subject_token": offline_token,
            "subject_token_type": OFFLINE_ACCESS_TOKEN, "requested_token_type": OFFLINE_ACCESS_TOKEN, "expiring": "1"}


def store_grant(app, install: ShopifyInstall, grant: Grant) -> None:
    install.access_token_encrypted = token_crypto.encrypt(app, grant.access_token)
    install.access_token_expires_at = grant.expires_at
    install.refresh_token_encrypted = token_crypto.encrypt(app, grant.refresh_token) if grant.refresh_token else None
    install.refresh_token_expires_at = grant.refresh_token_expires_at
    if grant.scope is not None:
        install.scopes = grant.scope


def forget_tokens(install: ShopifyInstall) -> None:
    """The app was uninstalled: Shopify revoked the tokens anyway; never keep a dead secret."""
    install.access_token_encrypted = install.refresh_token_encrypted = None
    install.access_token_expires_at = install.refresh_token_expires_at = None


def _due(install: ShopifyInstall, now: datetime) -> bool:
    return install.access_token_expires_at is not None and install.access_token_expires_at - RENEW_WITHIN <= now


def usable_token(app, install: ShopifyInstall, now: datetime | None = None) -> str:
    """The install's access token, renewed first when it expires within RENEW_WITHIN.

    The renewal runs in a transaction of its own, committed at once whatever the caller does next: Shopify
    has already replaced the refresh token, and losing the new one would lose the store. The install's row
    is locked meanwhile, so of several workers one renews and the others read its result.
    """
    now = now or utcnow()
    if not _due(install, now):
        return token_crypto.decrypt(app, install.access_token_encrypted)
    with db.database(app).sessionmaker() as own:
        locked = own.scalar(select(ShopifyInstall).where(ShopifyInstall.id == install.id).with_for_update())
        if locked is None or not locked.access_token_encrypted:
            raise CannotRenew(f"{install.shop_domain} is not connected any more")
        if _due(locked, now):
            _renew(app, locked, now)
            own.commit()
        for name in TOKEN_FIELDS:  # the caller's copy, as now stored (without marking it changed)
            set_committed_value(install, name, getattr(locked, name))
    return token_crypto.decrypt(app, install.access_token_encrypted)


def _renew(app, install: ShopifyInstall, now: datetime) -> None:
    refresh_token = token_crypto.decrypt(app, install.refresh_token_encrypted) if install.refresh_token_encrypted else None
    if refresh_token is None or (install.refresh_token_expires_at is not None and install.refresh_token_expires_at <= now):
        raise CannotRenew(f"the access token of {install.shop_domain} expired and cannot be renewed: open the app in the Shopify admin")
    config = settings.current(app.config)
    try:
        answer = post_token_request(install.shop_domain, refresh_request(config.api_key, config.api_secret, refresh_token))
    except TokenRequestFailed as error:
        raise CannotRenew(f"Shopify did not renew the access token of {install.shop_domain}: {error.message}") from None
    store_grant(app, install, Grant.from_answer(answer, now))
    log.info("renewed the access token of %s", install.shop_domain)


def migrate(app, install: ShopifyInstall, now: datetime | None = None) -> None:
    """Trade a non-expiring token for an expiring one (the caller commits); TokenRequestFailed if Shopify refuses."""
    config = settings.current(app.config)
    current = token_crypto.decrypt(app, install.access_token_encrypted)
    answer = post_token_request(install.shop_domain, migrate_request(config.api_key, config.api_secret, current))
    store_grant(app, install, Grant.from_answer(answer, now))


def migrate_all(app, session: Session) -> dict[str, str | None]:
    """Every connected store still on a non-expiring token, moved over: {shop domain: None, or why not}."""
    outcome: dict[str, str | None] = {}
    installs = session.scalars(select(ShopifyInstall).where(
        ShopifyInstall.uninstalled_at.is_(None), ShopifyInstall.access_token_encrypted.is_not(None),
        ShopifyInstall.access_token_expires_at.is_(None)).order_by(ShopifyInstall.id)).all()
    for install in installs:
        try:
            migrate(app, install)
            session.commit()
            outcome[install.shop_domain] = None
        except (TokenRequestFailed, InvalidToken) as error:
            session.rollback()
            outcome[install.shop_domain] = getattr(error, "message", None) or "the stored token cannot be decrypted"
    return outcome
